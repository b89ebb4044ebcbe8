import MailChecker from "mailchecker";
import type { Referrals } from "~/loyalty/program/program";

/**
 * Fraud signals on a referral, decided from facts about the referrer and the referee. Hard
 * signals block the reward; soft ones hold it for the merchant's review. Each check can be
 * turned off in the program (`referrals.fraud`); its severity is fixed here.
 */

export type SignalKind =
  | "same_customer"
  | "same_email"
  | "same_phone"
  | "same_payment"
  | "same_address"
  | "existing_customer"
  | "disposable_email"
  | "velocity";

export interface ReferralSignal {
  kind: SignalKind;
  severity: "hard" | "soft";
  detail: string;
}

const SEVERITY: Record<SignalKind, ReferralSignal["severity"]> = {
  same_customer: "hard",
  same_email: "hard",
  same_phone: "hard",
  same_payment: "hard",
  // Families and flatmates share an address: a person looks, rather than a rule.
  same_address: "soft",
  existing_customer: "hard",
  disposable_email: "soft",
  velocity: "soft",
};

export interface Address {
  address1?: string | null;
  zip?: string | null;
  countryCode?: string | null;
}

export interface PartyFacts {
  customerId: string | null;
  email: string | null;
  phone: string | null;
  /** Shipping addresses as identities (canonicalAddress, or a keyed hash of it): equal means the same address. */
  addressKeys: string[];
  /** Card fingerprints or similar, where the order exposes them. */
  paymentFingerprints: string[];
}

export interface ReferralContext {
  /** Paid orders the referee had before the one being referred. */
  refereePriorOrders: number;
  /** Referrals from the same visitor network or address within the program's window. */
  recentReferralsFromSameSource: number;
}

const GMAIL_DOMAINS = new Set(["gmail.com", "googlemail.com"]);

/** One mailbox, one string: case, `+tags` everywhere, and Gmail's ignored dots removed. */
export function canonicalEmail(email: string): string {
  const [local = "", domain = ""] = email.trim().toLowerCase().split("@");
  const withoutTag = local.split("+")[0]!;
  if (GMAIL_DOMAINS.has(domain)) return `${withoutTag.replaceAll(".", "")}@gmail.com`;
  return `${withoutTag}@${domain}`;
}

/** Digits only, the last 9 (drops country codes and trunk prefixes written differently). */
export function canonicalPhone(phone: string): string {
  return phone.replace(/\D/g, "").slice(-9);
}

export function canonicalAddress(address: Address): string | null {
  const line = (address.address1 ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
  const zip = (address.zip ?? "").toLowerCase().replace(/\s+/g, "");
  if (!line || !zip) return null;
  return `${line}|${zip}|${(address.countryCode ?? "").toLowerCase()}`;
}

export const isDisposableEmail = (email: string) => !MailChecker.isValid(email);

export function referralSignals(
  settings: Referrals["fraud"],
  referrer: PartyFacts,
  referee: PartyFacts,
  context: ReferralContext,
): ReferralSignal[] {
  const signals: ReferralSignal[] = [];
  const add = (kind: SignalKind, detail: string) => signals.push({ kind, severity: SEVERITY[kind], detail });
  if (settings.selfReferral) {
    if (referrer.customerId && referrer.customerId === referee.customerId)
      add("same_customer", "the referee is the referrer");
    if (referrer.email && referee.email && canonicalEmail(referrer.email) === canonicalEmail(referee.email))
      add("same_email", "the same mailbox");
    if (
      referrer.phone &&
      referee.phone &&
      canonicalPhone(referrer.phone).length >= 6 &&
      canonicalPhone(referrer.phone) === canonicalPhone(referee.phone)
    ) {
      add("same_phone", "the same phone number");
    }
    if (referee.paymentFingerprints.some((print) => referrer.paymentFingerprints.includes(print)))
      add("same_payment", "the same payment method");
    if (referee.addressKeys.some((key) => referrer.addressKeys.includes(key)))
      add("same_address", "the same shipping address");
  }
  if (settings.existingCustomer && context.refereePriorOrders > 0)
    add("existing_customer", `${context.refereePriorOrders} earlier paid order(s)`);
  if (settings.disposableEmail && referee.email && isDisposableEmail(referee.email))
    add("disposable_email", "a throwaway email domain");
  if (settings.velocity.enabled && context.recentReferralsFromSameSource >= settings.velocity.maxReferrals) {
    add(
      "velocity",
      `${context.recentReferralsFromSameSource} referrals from the same source in ${settings.velocity.windowHours} h`,
    );
  }
  return signals;
}

/** What happens to the referrer's reward given the signals. */
export function referralVerdict(signals: ReferralSignal[]): "approve" | "hold" | "block" {
  if (signals.some((signal) => signal.severity === "hard")) return "block";
  return signals.length ? "hold" : "approve";
}
