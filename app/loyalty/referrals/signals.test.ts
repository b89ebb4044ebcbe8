import { describe, expect, it } from "vitest";
import { referralsSchema } from "~/loyalty/program/program";
import {
  canonicalAddress,
  canonicalEmail,
  isDisposableEmail,
  referralSignals,
  referralVerdict,
  type PartyFacts,
} from "./signals";

const fraud = referralsSchema.parse({}).fraud;
const party = (facts: Partial<PartyFacts>): PartyFacts => ({
  customerId: null,
  email: null,
  phone: null,
  addressKeys: [],
  paymentFingerprints: [],
  ...facts,
});
const clean = { refereePriorOrders: 0, recentReferralsFromSameSource: 0 };

describe("referral fraud signals", () => {
  it("one Gmail mailbox is one person, whatever the dots and +tags", () => {
    expect(canonicalEmail("Ada.Love+promo@GoogleMail.com")).toBe("adalove@gmail.com");
    expect(canonicalEmail("ada.love+x@example.com")).toBe("ada.love@example.com");
    const signals = referralSignals(
      fraud,
      party({ email: "adalove@gmail.com" }),
      party({ email: "a.d.a.love+friend@gmail.com" }),
      clean,
    );
    expect(signals.map((s) => s.kind)).toEqual(["same_email"]);
    expect(referralVerdict(signals)).toBe("block");
  });

  it("same customer, phone or payment method block; a shared address only holds", () => {
    const home = { address1: "12 Rue de la Paix", zip: "75002", countryCode: "FR" };
    expect(
      referralSignals(fraud, party({ customerId: "1" }), party({ customerId: "1" }), clean).map((s) => s.kind),
    ).toEqual(["same_customer"]);
    expect(
      referralSignals(fraud, party({ phone: "+33 6 12 34 56 78" }), party({ phone: "06 12 34 56 78" }), clean).map(
        (s) => s.kind,
      ),
    ).toEqual(["same_phone"]);
    expect(
      referralSignals(
        fraud,
        party({ paymentFingerprints: ["fp1"] }),
        party({ paymentFingerprints: ["fp1"] }),
        clean,
      ).map((s) => s.kind),
    ).toEqual(["same_payment"]);
    const sameAddress = referralSignals(
      fraud,
      party({ addressKeys: [canonicalAddress(home)!] }),
      party({ addressKeys: [canonicalAddress({ ...home, address1: "12, rue de la Paix " })!] }),
      clean,
    );
    expect(sameAddress.map((s) => s.kind)).toEqual(["same_address"]);
    expect(referralVerdict(sameAddress)).toBe("hold");
  });

  it("an existing customer blocks; a throwaway address and many referrals from one source hold", () => {
    expect(
      referralSignals(fraud, party({}), party({}), { ...clean, refereePriorOrders: 2 }).map((s) => s.kind),
    ).toEqual(["existing_customer"]);
    expect(isDisposableEmail("someone@mailinator.com")).toBe(true);
    expect(isDisposableEmail("someone@example.org")).toBe(false);
    expect(referralSignals(fraud, party({}), party({ email: "x@mailinator.com" }), clean).map((s) => s.kind)).toEqual([
      "disposable_email",
    ]);
    const burst = referralSignals(fraud, party({}), party({}), { ...clean, recentReferralsFromSameSource: 5 });
    expect(burst.map((s) => s.kind)).toEqual(["velocity"]);
    expect(referralVerdict([])).toBe("approve");
  });

  it("each check can be turned off", () => {
    const off = referralsSchema.parse({
      fraud: { selfReferral: false, existingCustomer: false, disposableEmail: false, velocity: { enabled: false } },
    }).fraud;
    expect(
      referralSignals(
        off,
        party({ customerId: "1", email: "a@mailinator.com" }),
        party({ customerId: "1", email: "a@mailinator.com" }),
        { refereePriorOrders: 3, recentReferralsFromSameSource: 99 },
      ),
    ).toEqual([]);
  });
});
