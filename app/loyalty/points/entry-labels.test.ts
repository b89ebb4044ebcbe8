import { describe, expect, it } from "vitest";
import { SHOPPER_LANGUAGES, type ShopperLanguage } from "~/languages";
import { defaultProgram } from "~/loyalty/program/program";
import { ledgerEntryLabel } from "./entry-labels";
import { LEDGER_KINDS } from "./ledger-entry";

describe("a ledger entry's label", () => {
  const program = defaultProgram();
  program.tiers.levels = [{ id: "gold", name: "Gold", threshold: 1000, earnMultiplier: 1, entryBonusPoints: 50 }];
  const label = (
    kind: string,
    sourceType: string | null,
    extra: { sourceId?: string; reason?: string } = {},
    language: ShopperLanguage = "en",
  ) =>
    ledgerEntryLabel(
      { kind, sourceType, sourceId: extra.sourceId ?? null, reason: extra.reason ?? null, orderName: "#1001" },
      program,
      language,
    );

  it("never calls a tier, birthday or referral bonus a welcome bonus", () => {
    expect(label("bonus", "signup")).toBe("Welcome bonus for joining");
    expect(label("bonus", "tier", { sourceId: "gold" })).toBe("Bonus for reaching Gold");
    expect(label("bonus", "birthday")).toBe("Birthday bonus");
    expect(label("bonus", "referral")).toBe("A friend you referred placed their first order");
    expect(label("bonus", "membership", { reason: "join" })).toBe("Bonus for joining the paid membership");
    expect(label("bonus", "membership", { reason: "renewal" })).toBe("Bonus for renewing the paid membership");
    expect(label("bonus", "survey", { reason: "After your order" })).toBe("Points for answering a survey");
  });

  it("reads Shopify Flow's awards and deductions with the workflow's reason, in the reader's language", () => {
    expect(label("bonus", "flow", { reason: "Wrote a review" })).toBe("Bonus: Wrote a review");
    expect(label("adjust", "flow", { reason: "Returned a gift" })).toBe("Deducted: Returned a gift");
    expect(label("adjust", "flow", { reason: "Returned a gift" }, "fr")).toBe("Retiré : Returned a gift");
    // A staff member's adjustment keeps its note out of the shopper's label.
    expect(label("adjust", "staff", { reason: "Goodwill" })).toBe("Adjusted by the store");
  });

  it("says what each way points are taken back or returned was", () => {
    expect(label("reverse", "refund")).toBe("Taken back: order #1001 refunded");
    expect(label("reverse", "cancellation")).toBe("Taken back: order #1001 cancelled");
    expect(label("reverse", "referral")).toBe("Taken back: the referred friend's order was refunded");
    expect(label("reverse", "redemption")).toBe("Points returned: the reward's code was not used");
    expect(label("reverse", "membership")).toBe("Taken back: the membership order was refunded or cancelled");
    expect(label("reverse", "survey")).toBe("Taken back: the order you answered a survey about was cancelled");
  });

  it("names an action as the merchant translated it for the reader", () => {
    const withAction = defaultProgram();
    withAction.earning.customActions = [
      {
        key: "instagram",
        name: "Follow us on Instagram",
        translations: { fr: { name: "Suivez-nous sur Instagram" } },
        points: 50,
        limitPerCustomer: 1,
        limitPerDay: null,
        claimable: true,
        url: "https://instagram.com/shop",
        verifiedBy: null,
      },
    ];
    const entry = { kind: "action", sourceType: "action", sourceId: "instagram", reason: null, orderName: null };
    expect(ledgerEntryLabel(entry, withAction, "fr")).toBe("Points pour : Suivez-nous sur Instagram");
    expect(ledgerEntryLabel(entry, withAction, "de")).toContain("Follow us on Instagram");
  });

  it("names the partner that awarded points, and what for; a redacted entry keeps only that a partner did", () => {
    expect(label("partner", "partner", { reason: "Hotel Lumen: Two nights" })).toBe(
      "Points from Hotel Lumen: Two nights",
    );
    expect(label("partner", "partner", { reason: "Café Lumière" }, "fr")).toBe("Points de Café Lumière");
    expect(label("partner", "partner")).toBe("Points from a partner");
  });

  it.each(SHOPPER_LANGUAGES)("gives every kind the ledger can hold its own words, in %s", (language) => {
    const byKind = LEDGER_KINDS.map((kind) => label(kind, null, { reason: "5 off" }, language));
    expect(new Set(byKind).size).toBe(LEDGER_KINDS.length);
  });

  it("speaks the reader's language, with the order's name and the tier's in it", () => {
    expect(label("earn", null, {}, "fr")).toBe("Gagnés sur la commande #1001");
    expect(label("bonus", "tier", { sourceId: "gold" }, "de")).toBe("Bonus für das Erreichen von Gold");
    expect(label("reverse", "refund", {}, "ja")).toBe("取り消し：注文#1001が返金されました");
  });
});
