// mailchecker ships no types; this is the part Tally uses.
declare module "mailchecker" {
  const MailChecker: {
    /** False for a malformed address or one at a disposable (throwaway) domain. */
    isValid(email: string): boolean;
  };
  export default MailChecker;
}
