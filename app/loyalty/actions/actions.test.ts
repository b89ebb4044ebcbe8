import { describe, expect, it } from "vitest";
import { defaultProgram, parseProgram, type CustomAction } from "~/loyalty/program/program";
import { NO_COUNTS, actionEntryKey, claimStatus, claimableActions, newsletterActions, reachedLimit } from "./actions";

const action = (fields: Partial<CustomAction> = {}): CustomAction => ({
  key: "instagram",
  name: "Follow us on Instagram",
  points: 50,
  limitPerCustomer: 1,
  limitPerDay: null,
  claimable: true,
  url: "https://instagram.com/shop",
  verifiedBy: null,
  ...fields,
});

describe("actions shoppers claim", () => {
  it("is open until claimed, then claimed for good", () => {
    expect(claimStatus(action(), NO_COUNTS)).toBe("open");
    expect(claimStatus(action(), { total: 1, today: 1, claimed: true })).toBe("claimed");
  });

  it("is out of reach once earned as often as allowed another way, in all or today", () => {
    expect(claimStatus(action(), { total: 1, today: 0, claimed: false })).toBe("limit_reached");
    const daily = action({ limitPerCustomer: null, limitPerDay: 2 });
    expect(claimStatus(daily, { total: 9, today: 1, claimed: false })).toBe("open");
    expect(claimStatus(daily, { total: 9, today: 2, claimed: false })).toBe("limit_reached");
    expect(reachedLimit(action({ limitPerCustomer: null }), { total: 1_000, today: 1_000, claimed: false })).toBe(
      false,
    );
  });

  it("lists only claimable actions for shoppers, and only newsletter actions for a subscription", () => {
    const program = defaultProgram();
    program.earning.customActions = [
      action(),
      action({ key: "review", claimable: false, url: null }),
      action({ key: "newsletter", claimable: false, url: null, verifiedBy: "newsletter" }),
    ];
    expect(claimableActions(program).map((a) => a.key)).toEqual(["instagram"]);
    expect(newsletterActions(program).map((a) => a.key)).toEqual(["newsletter"]);
  });

  it("keys a claim by the member, never the customer", () => {
    expect(actionEntryKey("instagram", "member-1", "claim")).toBe("action:instagram:member-1:claim");
  });
});

describe("the program's rules for custom actions", () => {
  const withAction = (fields: Partial<CustomAction>) => {
    const program = defaultProgram();
    program.earning.customActions = [action(fields)];
    return parseProgram(program);
  };

  it("accepts a claimable action with an https link", () => {
    expect(withAction({}).ok).toBe(true);
  });

  it("refuses a claimable action without a link, or with a link that is not https", () => {
    expect(withAction({ url: null })).toEqual({
      ok: false,
      issues: [{ path: "earning.customActions.0.url", message: "a claimable action needs a link" }],
    });
    expect(withAction({ url: "http://instagram.com/shop" }).ok).toBe(false);
    expect(withAction({ url: "javascript:alert(1)" }).ok).toBe(false);
  });

  it("refuses an action both claimed by shoppers and verified by Tally", () => {
    expect(withAction({ verifiedBy: "newsletter" })).toEqual({
      ok: false,
      issues: [
        {
          path: "earning.customActions.0.verifiedBy",
          message: "an action is either claimed by shoppers or verified by Tally, not both",
        },
      ],
    });
    expect(withAction({ verifiedBy: "newsletter", claimable: false }).ok).toBe(true);
  });

  it("keeps the merchant's translations of an action's name", () => {
    const parsed = withAction({ translations: { fr: { name: "Suivez-nous" } } });
    expect(parsed.ok && parsed.program.earning.customActions[0]!.translations).toEqual({ fr: { name: "Suivez-nous" } });
  });
});
