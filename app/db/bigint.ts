/**
 * Points and money columns are bigint in the database so no real order or balance overflows;
 * in TypeScript they are numbers, exact while below 2^53 (the program's bounds keep them there).
 * Reading one that is not a safe integer is a bug to stop at, never to round.
 */
export function fromBigInt(value: bigint | number): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`${value} is beyond the exact range of points and money`);
  return number;
}
