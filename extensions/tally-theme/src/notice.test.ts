// @vitest-environment happy-dom
// @vitest-environment-options {"settings": {"handleDisabledFileLoadingAsSuccess": true}}
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { interpolate, renderLiquid, schemaOf } from "../../../sandbox/storefront/liquid";
import { bootNotices, type NoticesView } from "./notice";
import { loadMember, reset, type PublicProgram } from "./tally";

/*
 * The notices list (tally-notice.js) on the blocks' real markup: the block's Liquid rendered as a
 * theme would, the script run against a fake App Proxy whose member answers are fixtures of the
 * member API (`offers`; `surprise` and its `seen` endpoint as the campaigns contract states them).
 */

const DIR = "extensions/tally-theme";
const localeFile = (language: string) =>
  JSON.parse(readFileSync(`${DIR}/locales/${language === "en" ? "en.default" : language}.json`, "utf8"));

function mount(handle: string, customer: boolean, language = "en") {
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
        cart_update_url: "/cart/update",
        account_login_url: "/account/login",
        account_register_url: "/account/register",
      },
      request: { locale: { iso_code: language } },
      cart: { currency: { iso_code: "USD" } },
      shop: { name: "Tea & Co", metafields: { tally: { program: { value: { tiers: { levels: [] } } } } } },
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
  bootNotices(document);
}

const PROGRAM: PublicProgram = {
  enabled: true,
  earning: {
    pointsPerCurrencyUnit: 1,
    rounding: "floor",
    minimumSubtotal: 0,
    bonusMultiplier: 1,
    tierMultipliers: {},
    signupPoints: 0,
    birthdayPoints: 0,
    actions: [],
  },
  rewards: [],
};

const MEMBER: NoticesView = {
  loggedIn: true,
  points: { balance: 380, pending: 0, expiringNext: null },
  tier: null,
  rewards: [],
  redemptions: [],
  program: PROGRAM,
  offers: {
    winBack: { multiplier: 2, endsAt: "2026-12-14T12:00:00.000Z" },
    nextReward: { rewardId: "ten-off", name: "10 off", pointsCost: 500, remaining: 120 },
  },
  surprise: {
    id: "s-1",
    campaignName: "Winter thanks",
    message: "Thanks for <b>being</b> here!",
    points: 200,
    rewardName: null,
  },
};

let member: NoticesView;
/** Each test's surprise is a new one (the script remembers which it marked seen on this page). */
let surpriseId = 0;
let calls: { url: string; init: RequestInit }[];
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await settle();
  if (!check()) throw new Error(`never happened: ${what}\n${document.body.innerHTML}`);
}
const items = () =>
  [...document.querySelectorAll("[data-tally-notices] li")].map((li) => li.textContent!.replace(/\s+/g, " ").trim());
const seenPosts = () => calls.filter((c) => c.init.method === "POST");

beforeEach(() => {
  reset();
  member = { ...MEMBER, surprise: { ...MEMBER.surprise!, id: `s-${++surpriseId}` } };
  calls = [];
  // As main.ts does: the notices share tally.js's request.
  (document as Document & { tally?: unknown }).tally = loadMember;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      calls.push({ url, init });
      const route = `${init.method ?? "GET"} ${url.split("?")[0]}`;
      if (route === "GET /apps/tally/member") return json(member);
      if (/^POST \/apps\/tally\/surprises\/s-\d+\/seen$/.test(route)) return json({ seen: true });
      return json({ error: "no route" }, 404);
    }),
  );
});
afterEach(async () => {
  for (let i = 0; i < 20; i++) await settle();
  vi.unstubAllGlobals();
  document.body.innerHTML = "";
});

describe("the shopper's notices (tally-notice.js)", () => {
  it("shows the win-back offer, the surprise (escaped) and the next reward in the account block", async () => {
    mount("account-points", true);
    expect(document.querySelector('script[src="/cdn/assets/tally-notice.js"]')).not.toBeNull();
    await until(() => items().length === 3, "notices");
    expect(items()).toEqual([
      "2× points on orders until Dec 14",
      "200 points from Tea & Co: Thanks for <b>being</b> here!",
      "120 points to 10 off",
    ]);
    // The merchant's message is text, never markup.
    expect(document.querySelector("[data-tally-notices] b")).toBeNull();
    // Its room in the account block is kept from the start: nothing below moves when they arrive.
    const box = document.querySelector<HTMLElement>("[data-tally-notices]")!;
    expect([box.hidden, box.classList.contains("tally-notices--kept"), box.style.visibility]).toEqual([
      false,
      true,
      "",
    ]);
  });

  it("marks the surprise seen once it is shown, once however many lists show it", async () => {
    mount("account-points", true);
    await until(() => seenPosts().length === 1, "seen");
    expect(seenPosts()[0]!.url).toBe(`/apps/tally/surprises/s-${surpriseId}/seen`);
    // A second block on the page (the section re-rendered) shows it again but does not post twice.
    mount("account-points", true);
    await until(() => items().length === 3, "notices again");
    for (let i = 0; i < 10; i++) await settle();
    expect(seenPosts()).toHaveLength(1);
  });

  it("in the launcher, loads and marks seen only once the panel opens", async () => {
    mount("tally-launcher", true);
    for (let i = 0; i < 10; i++) await settle();
    expect(seenPosts()).toHaveLength(0);
    expect(document.querySelector<HTMLElement>("[data-tally-notices]")!.hidden).toBe(true);
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => items().length === 3, "notices");
    await until(() => seenPosts().length === 1, "seen");
  });

  it("in the shopper's language, a surprise that is a reward, and nothing when there is nothing to say", async () => {
    member = {
      ...MEMBER,
      offers: { winBack: MEMBER.offers!.winBack, nextReward: null },
      surprise: { ...member.surprise!, points: 0, rewardName: "Free tote" },
    };
    mount("account-points", true, "fr");
    await until(() => items().length === 2, "notices");
    expect(items()[0]).toMatch(/^2× points sur vos commandes jusqu'au 14 déc/);
    expect(items()[1]).toBe("Free tote offerts par Tea & Co : Thanks for <b>being</b> here!");

    reset();
    member = { ...MEMBER, offers: { winBack: null, nextReward: null }, surprise: null };
    mount("account-points", true);
    await until(() => calls.some((c) => c.url === "/apps/tally/member"), "member");
    for (let i = 0; i < 10; i++) await settle();
    expect(items()).toEqual([]);
    // Nothing to say: the kept room stays, empty.
    const box = document.querySelector<HTMLElement>("[data-tally-notices]")!;
    expect([box.hidden, box.style.visibility]).toEqual([false, "hidden"]);
    // A guest has no notices at all.
    mount("account-points", false);
    expect(document.querySelector("[data-tally-notices]")).toBeNull();
  });
});
