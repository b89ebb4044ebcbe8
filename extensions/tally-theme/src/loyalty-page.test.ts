import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultProgram, type Program } from "../../../app/loyalty/program/program";
import { storefrontProgram } from "../../../app/loyalty/program/storefront-program";
import { renderLiquid, schemaOf } from "../../../sandbox/storefront/liquid";
import { translate } from "../../../sandbox/storefront/preview";

/*
 * The loyalty page block (blocks/loyalty-page.liquid) rendered as a theme renders it, from the
 * program as saving it writes the shop metafield tally.program.
 */

const DIR = "extensions/tally-theme";
const source = readFileSync(`${DIR}/blocks/loyalty-page.liquid`, "utf8");
const locale = JSON.parse(readFileSync(`${DIR}/locales/en.default.json`, "utf8"));
const defaults = Object.fromEntries(
  ((schemaOf(source)?.settings ?? []) as { id: string; default?: unknown }[]).map((s) => [s.id, s.default ?? null]),
);

function page(
  options: {
    program?: Program | null;
    customer?: boolean;
    settings?: Record<string, unknown>;
    /** The shopper's currency (Shopify's `cart.currency`); the shop's, EUR, without it. */
    shopperCurrency?: string;
  } = {},
) {
  const program = options.program === undefined ? defaultProgram() : options.program;
  const html = renderLiquid(
    source,
    {
      routes: {
        account_url: "/account",
        account_login_url: "/account/login",
        account_register_url: "/account/register",
      },
      shop: {
        currency: "EUR",
        metafields: { tally: { program: program ? { value: storefrontProgram(program) } : null } },
      },
      cart: { currency: { iso_code: options.shopperCurrency ?? "EUR" } },
      customer: options.customer ? { id: 1 } : null,
      block: { id: "b1", settings: { ...defaults, ...options.settings }, shopify_attributes: "" },
    },
    {
      filters: { t: (input, _args, named) => translate(locale, String(input), named) },
      snippet: (name) => readFileSync(`${DIR}/snippets/${name}.liquid`, "utf8"),
    },
  );
  const text = html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return { html, text };
}

function program(change: (program: Program) => void) {
  const value = defaultProgram();
  change(value);
  return value;
}

describe("the loyalty page block", () => {
  it("invites a guest to join or sign in, and tells a member they are signed in", () => {
    const guest = page();
    expect(guest.html).toContain('<a class="tally-button" href="/account/register">Join now</a>');
    expect(guest.html).toContain('<a href="/account/login">Sign in</a>');
    const member = page({ customer: true });
    expect(member.text).toContain("You're a member");
    expect(member.html).toContain('href="/account">See your points</a>');
    expect(member.html).not.toContain("Join now");
  });

  it("words every amount in the shop's currency and every count of points in the right form", () => {
    const { text } = page({
      program: program((p) => {
        p.earning.order.minimumSubtotal = 20;
        p.earning.signup.points = 1;
        p.earning.customActions = [
          {
            key: "review",
            name: "Write a review",
            points: 25,
            limitPerCustomer: 1,
            limitPerDay: null,
            claimable: false,
            url: null,
            verifiedBy: null,
          },
        ];
      }),
    });
    expect(text).toContain("1 point for every €1.00 spent on orders of €20.00 or more");
    expect(text).toContain("1 point for creating an account");
    expect(text).toContain("Write a review 25 points");
    expect(text).toContain("5 off €5.00 off your order 500 points");
  });

  it("names the shop's currency to a shopper browsing in another, rather than a symbol the amount is not in", () => {
    // Shopify's money filter would print "$5.00" for the shop's €5.00 to a shopper in dollars: it formats, it does not convert.
    const { text } = page({ shopperCurrency: "USD" });
    expect(text).toContain("5 off 5.00 EUR off your order 500 points");
    expect(text).toContain("1 point for every 1.00 EUR spent");
    expect(text).not.toContain("$");
  });

  it("shows the bonus event running now, not a past or future one", () => {
    const at = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    const events = (p: Program, startsIn: number, endsIn: number) =>
      (p.earning.bonusEvents = [
        {
          name: "Double week",
          multiplier: 2,
          startsAt: at(startsIn),
          endsAt: at(endsIn),
          tierIds: [],
          segmentId: null,
        },
      ]);
    expect(page({ program: program((p) => events(p, -1, 1)) }).text).toContain("Double week: earn 2× points until");
    expect(page({ program: program((p) => events(p, -3, -1)) }).text).not.toContain("Double week");
    expect(page({ program: program((p) => events(p, 1, 3)) }).text).not.toContain("Double week");
  });

  it("lists the VIP tiers with their perks, and the referral offer", () => {
    const { text } = page({
      program: program((p) => {
        p.tiers.metric = "amount_spent";
        p.tiers.period = "calendar_year";
        p.tiers.levels = [{ id: "gold", name: "Gold", threshold: 500, earnMultiplier: 2, entryBonusPoints: 1 }];
        p.referrals.enabled = true;
        p.referrals.refereeReward = { type: "fixed_amount", amount: 10 };
      }),
    });
    expect(text).toContain("VIP tiers Tiers count each calendar year.");
    expect(text).toContain("Gold from €500.00 spent 2× points on orders · 1 bonus point on reaching it");
    expect(text).toContain("Give friends €10.00 off on their first order, get 500 points when they buy.");
  });

  it("hides the sections the merchant turned off", () => {
    const settings = { show_earn: false, show_rewards: false, show_tiers: false, show_referrals: false };
    const { text } = page({
      program: program((p) => {
        p.tiers.levels = [{ id: "gold", name: "Gold", threshold: 500, earnMultiplier: 2, entryBonusPoints: 0 }];
        p.referrals.enabled = true;
      }),
      settings,
    });
    for (const heading of ["How to earn", "Rewards", "VIP tiers", "Refer a friend"])
      expect(text).not.toContain(heading);
    expect(text).toContain("Join now");
  });

  it("writes the merchant's names as text, never markup", () => {
    const { html } = page({
      program: program((p) => {
        p.rewards[0]!.name = "5 <b>off</b>";
        p.earning.bonusEvents = [
          {
            name: "<i>Bonus</i>",
            multiplier: 2,
            startsAt: "2020-01-01T00:00:00Z",
            endsAt: "2099-01-01T12:00:00Z",
            tierIds: [],
            segmentId: null,
          },
        ];
      }),
    });
    expect(html).not.toMatch(/<b>|<i>/);
    expect(html).toContain("5 &lt;b&gt;off&lt;/b&gt;");
    expect(html).toContain("&lt;i&gt;Bonus&lt;/i&gt;");
  });

  it("says the program is unavailable when there is none on the storefront, or it is off", () => {
    expect(page({ program: null }).text).toContain("Our rewards program isn't available right now.");
    expect(page({ program: program((p) => (p.enabled = false)) }).text).toContain(
      "Our rewards program isn't available right now.",
    );
  });
});
