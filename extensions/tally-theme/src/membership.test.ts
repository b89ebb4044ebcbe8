// @vitest-environment happy-dom
// @vitest-environment-options {"settings": {"handleDisabledFileLoadingAsSuccess": true}}
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Membership, MembershipOffer } from "../../shared/tally-api";
import { interpolate, renderLiquid, schemaOf } from "../../../sandbox/storefront/liquid";
import { bootMembership, type MembershipView } from "./membership";
import { boot, loadMember, reset } from "./tally";

/*
 * The paid membership's box (tally-membership.js) on the blocks' real markup: the block's Liquid
 * rendered as a theme would, the script run against a fake App Proxy and Cart AJAX API whose
 * member answers are fixtures of the member API (`membership`, `program.membership`).
 */

const DIR = "extensions/tally-theme";
const localeFile = (language: string) =>
  JSON.parse(readFileSync(`${DIR}/locales/${language === "en" ? "en.default" : language}.json`, "utf8"));

function mount(handle: string, customer: boolean, options: { language?: string; membership?: boolean } = {}) {
  const language = options.language ?? "en";
  const files = [localeFile(language), localeFile("en")];
  const translate = (key: string, values: Record<string, unknown>) => {
    for (const file of files) {
      const text = key.split(".").reduce((node, part) => node?.[part], file);
      if (typeof text === "string") return interpolate(text, values);
    }
    return `translation missing: ${language}.${key}`;
  };
  const source = readFileSync(`${DIR}/blocks/${handle}.liquid`, "utf8");
  const settings = Object.fromEntries(
    ((schemaOf(source)?.settings ?? []) as { id: string; default?: unknown }[]).map((s) => [s.id, s.default ?? null]),
  );
  document.body.innerHTML = renderLiquid(
    source,
    {
      routes: {
        root_url: "/",
        cart_url: "/cart",
        cart_add_url: "/cart/add",
        cart_update_url: "/cart/update",
        account_login_url: "/account/login",
        account_register_url: "/account/register",
      },
      request: { locale: { iso_code: language } },
      cart: { currency: { iso_code: "EUR" } },
      shop: {
        name: "Tea & Co",
        metafields: {
          tally: { program: { value: { tiers: { levels: [] }, membership: options.membership ?? true } } },
        },
      },
      customer: customer ? { id: 1, tags: [] } : null,
      product: null,
      block: { id: "b1", settings, shopify_attributes: "" },
    },
    {
      filters: {
        t: (input, _args, named) => translate(String(input), named),
        asset_url: (input) => `/cdn/assets/${String(input)}`,
      },
      snippet: (name) => readFileSync(`${DIR}/snippets/${name}.liquid`, "utf8"),
    },
  );
  boot(document);
  bootMembership(document);
}

const OFFER: MembershipOffer = {
  name: "Club <Plus>",
  plans: [
    {
      id: "yearly",
      name: "Yearly",
      interval: "year",
      intervalCount: 1,
      price: "79.00",
      currencyCode: "EUR",
      variantId: "44020001",
      productHandle: "club-plus",
      productUrl: "https://tea.myshopify.com/products/club-plus?variant=44020001",
    },
  ],
  perks: {
    earnMultiplier: 2,
    joinBonusPoints: 0,
    renewalBonusPoints: 0,
    discounts: [{ type: "free_shipping", minimumSubtotal: null, currencyCode: null }],
  },
};

const PAID: Membership = {
  active: true,
  status: "active",
  planId: "yearly",
  planName: "Yearly",
  paidThrough: "2027-06-30T12:00:00.000Z",
  autoRenews: true,
  savings: { points: 240, discount: { amount: "12.50", currencyCode: "EUR" } },
};

const program = (membership: MembershipOffer | null) => ({
  enabled: true,
  earning: { pointsPerCurrencyUnit: 1, minimumSubtotal: 0 },
  rewards: [],
  membership,
});
const memberAnswer = (membership: Membership | null, offer: MembershipOffer | null = OFFER) => ({
  loggedIn: true,
  points: { balance: 0, pending: 0, expiringNext: null },
  tier: null,
  rewards: [],
  redemptions: [],
  membership,
  program: program(offer),
});

let answer: MembershipView;
let cartAnswer: number;
let calls: { url: string; init: RequestInit }[];
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await settle();
  if (!check()) throw new Error(`never happened: ${what}\n${document.body.innerHTML}`);
}
const box = () => document.querySelector<HTMLElement>("[data-tally-membership]")!;
/** The box's lines (paragraphs), one space between them. */
const text = () =>
  [...box().querySelectorAll("[data-membership-body] p")]
    .map((p) => p.textContent!.replace(/\s+/g, " ").trim())
    .join(" ");
const message = () => box().querySelector("[data-membership-msg]")!.textContent!;

beforeEach(() => {
  reset();
  calls = [];
  cartAnswer = 200;
  answer = { loggedIn: false, program: program(OFFER) };
  // As main.ts does: the box shares tally.js's request.
  (document as Document & { tally?: unknown }).tally = loadMember;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      calls.push({ url, init });
      const route = `${init.method ?? "GET"} ${url.split("?")[0]}`;
      if (route === "GET /apps/tally/member") return json(answer);
      if (route === "GET /apps/tally/member/activity") return json({ entries: [], nextCursor: null });
      if (route === "POST /cart/add.js") return json({ items: [] }, cartAnswer);
      return json({ error: "no route" }, 404);
    }),
  );
});
afterEach(async () => {
  for (let i = 0; i < 20; i++) await settle();
  vi.unstubAllGlobals();
  document.body.innerHTML = "";
});

describe("the paid membership (tally-membership.js)", () => {
  it("offers a guest the plan in the launcher once the panel opens, and puts its variant in the cart", async () => {
    const assign = vi.fn();
    vi.stubGlobal("location", {
      ...window.location,
      set href(url: string) {
        assign(url);
      },
    });
    mount("tally-launcher", false);
    expect(document.querySelector('script[src="/cdn/assets/tally-membership.js"]')).not.toBeNull();
    expect(box().hidden).toBe(true);
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => !box().hidden, "the offer");
    // The merchant's name is text, never markup.
    expect(text()).toBe("Join Club <Plus> for €79.00/year: 2× points, free shipping Become a member");
    expect(box().querySelector("plus")).toBeNull();

    box().querySelector<HTMLButtonElement>("[data-variant]")!.click();
    await until(() => assign.mock.calls.length === 1, "to the cart");
    const add = calls.find((c) => c.url === "/cart/add.js")!;
    expect(add.init.method).toBe("POST");
    expect(JSON.parse(add.init.body as string)).toEqual({ items: [{ id: 44020001, quantity: 1 }] });
    expect(assign).toHaveBeenCalledWith("/cart");
  });

  it("says so when the cart refuses, and lets the shopper try again", async () => {
    cartAnswer = 422;
    answer = memberAnswer(null);
    mount("account-points", true);
    await until(() => !box().hidden, "the offer");
    const button = box().querySelector<HTMLButtonElement>("[data-variant]")!;
    button.click();
    await until(() => /couldn't be added/.test(message()), "the refusal");
    expect(button.disabled).toBe(false);
  });

  it("shows a paying member their status, renewal date and savings in the account block", async () => {
    answer = memberAnswer(PAID);
    mount("account-points", true);
    await until(() => !box().hidden, "the status");
    expect(text()).toBe("Club <Plus> member · Yearly Renews on Jun 30, 2027 Saved so far: €12.50 and 240 points");
    expect(box().querySelector("[data-variant]")).toBeNull();
  });

  it("says when a membership that does not renew ends, and a member in grace to renew", async () => {
    answer = memberAnswer({
      ...PAID,
      autoRenews: false,
      savings: { points: 0, discount: { amount: "0.00", currencyCode: "EUR" } },
    });
    mount("account-points", true);
    await until(() => !box().hidden, "the status");
    expect(box().querySelector("[data-renewal]")!.textContent).toBe("Ends on Jun 30, 2027");
    expect(box().querySelector("[data-savings]")).toBeNull();

    reset();
    answer = memberAnswer({ ...PAID, status: "grace" });
    mount("account-points", true);
    await until(() => !box().hidden, "the status");
    expect(box().querySelector("[data-renewal]")!.textContent).toBe(
      "Ended on Jun 30, 2027: renew now to keep your perks",
    );
  });

  it("offers a member whose membership ended to join again, in the shopper's language", async () => {
    answer = memberAnswer({ ...PAID, active: false, status: "ended" }, { ...OFFER, name: "Club" });
    mount("account-points", true, { language: "fr" });
    await until(() => !box().hidden, "the offer");
    expect(text()).toMatch(/^Rejoignez Club pour 79,00\s€\/an : points ×2, livraison offerte Devenir membre$/);
  });

  it("shows nothing without an offer, and is not on the page when the program sells no membership", async () => {
    answer = memberAnswer(null, null);
    mount("account-points", true);
    await until(() => calls.some((c) => c.url === "/apps/tally/member"), "member");
    for (let i = 0; i < 10; i++) await settle();
    expect(box().hidden).toBe(true);

    mount("account-points", true, { membership: false });
    expect(document.querySelector("[data-tally-membership]")).toBeNull();
    expect(document.querySelector('script[src="/cdn/assets/tally-membership.js"]')).toBeNull();
  });

  it("gets every text it shows from the snippet, each from the locale file's membership section", () => {
    const source = readFileSync(`${DIR}/src/membership.ts`, "utf8");
    const used = new Set([
      ...[...source.matchAll(/fill\(texts, "(\w+)"[,)]/g)].map((m) => m[1]!),
      ...[...source.matchAll(/\? "(\w+)" : "(\w+)"/g)].flatMap((m) => [m[1]!, m[2]!]),
      ...["per_month", "per_months", "per_year", "per_years", "renews", "ends", "grace"],
    ]);
    const snippet = readFileSync(`${DIR}/snippets/tally-membership.liquid`, "utf8");
    const given = new Set(
      [...snippet.matchAll(/"(\w+)": \{\{ 'tally\.membership\.(\w+)' \| t \| json \}\}/g)].map((m) => {
        expect(m[1]).toBe(m[2]);
        return m[1]!;
      }),
    );
    const english = localeFile("en").tally.membership as Record<string, string>;
    expect(used.size).toBeGreaterThan(15);
    for (const key of used) {
      expect(given, key).toContain(key);
      expect(english[key], key).toBeTypeOf("string");
    }
  });
});
