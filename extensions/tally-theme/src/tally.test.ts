// @vitest-environment happy-dom
// @vitest-environment-options {"settings": {"handleDisabledFileLoadingAsSuccess": true}}
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { interpolate, renderLiquid, schemaOf } from "../../../sandbox/storefront/liquid";
import { boot, loadMember, pointsForPrice, reset, type MemberView, type PublicProgram } from "./tally";
import { bootClaims, type ClaimableAction } from "./claim";

/*
 * The storefront script's logic, on the blocks' real markup: each test renders the block's
 * Liquid (extensions/tally-theme/blocks) as a theme would, then runs the script against a fake
 * App Proxy and Cart AJAX API.
 */

const DIR = "extensions/tally-theme";
const localeFile = (language: string) =>
  JSON.parse(readFileSync(`${DIR}/locales/${language === "en" ? "en.default" : language}.json`, "utf8"));
/** Shopify's `t`: the shopper's language, else the default file's string, else "translation missing". */
const translator = (language: string) => {
  const files = [localeFile(language), localeFile("en")];
  return (key: string, values: Record<string, unknown>) => {
    for (const file of files) {
      const text = key.split(".").reduce((node, part) => node?.[part], file);
      if (typeof text === "string") return interpolate(text, values);
    }
    return `translation missing: ${language}.${key}`;
  };
};

interface MountOptions {
  customer?: boolean;
  product?: unknown;
  root?: string;
  /** The storefront's language (request.locale.iso_code). */
  language?: string;
  /** The theme's copy of the program (tally.program), when a test needs more than no tiers. */
  themeProgram?: Record<string, unknown>;
  /** The shopper's currency (cart.currency) and Shopify's rate to it from the shop's. */
  currency?: { code: string; rate: string };
}

function mount(handle: string, options: MountOptions = {}) {
  const language = options.language ?? "en";
  const translate = translator(language);
  if (options.currency)
    vi.stubGlobal("Shopify", { currency: { active: options.currency.code, rate: options.currency.rate } });
  const source = readFileSync(`${DIR}/blocks/${handle}.liquid`, "utf8");
  const settings = Object.fromEntries(
    ((schemaOf(source)?.settings ?? []) as { id: string; default?: unknown }[]).map((s) => [s.id, s.default ?? null]),
  );
  document.body.innerHTML = renderLiquid(
    source,
    {
      routes: {
        root_url: options.root ?? "/",
        cart_url: "/cart",
        cart_update_url: "/cart/update",
        account_login_url: "/account/login",
        account_register_url: "/account/register",
      },
      request: { locale: { iso_code: language } },
      cart: { currency: { iso_code: options.currency?.code ?? "USD" } },
      // The theme's copy of the program (tally.program), here with no tiers: no perks to list.
      shop: {
        name: "Tea & Co",
        metafields: { tally: { program: { value: options.themeProgram ?? { tiers: { levels: [] } } } } },
      },
      customer: options.customer ? { id: 1, tags: [] } : null,
      product: options.product ?? null,
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
}

const PROGRAM: PublicProgram = {
  enabled: true,
  earning: {
    pointsPerCurrencyUnit: 1,
    rounding: "floor",
    minimumSubtotal: 0,
    bonusMultiplier: 1,
    tierMultipliers: { gold: 2 },
    signupPoints: 50,
    birthdayPoints: 0,
    actions: [{ key: "review", name: "Write a review", points: 25 }],
  },
  rewards: [
    { id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 500 },
    { id: "ship", name: "Free <b>shipping</b>", type: "free_shipping", pointsCost: 200 },
  ],
};

const MEMBER: MemberView = {
  loggedIn: true,
  points: { balance: 450, pending: 30, expiringNext: { points: 450, at: "2027-11-24T10:00:00.000Z" } },
  tier: { id: "gold", name: "Gold" },
  rewards: [
    { id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 500, available: false },
    { id: "ship", name: "Free shipping", type: "free_shipping", pointsCost: 200, available: true },
    { id: "pay", name: "Pay with points", type: "variable", pointsCost: 100, available: true },
  ],
  redemptions: [
    { id: "r0", code: "TALLY-OLD", pointsSpent: 200, status: "active", expiresAt: "2027-01-01T00:00:00.000Z" },
  ],
  program: PROGRAM,
};

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;
let routes: Record<string, Handler>;
let calls: { url: string; init: RequestInit }[];

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await settle();
  if (!check()) throw new Error(`never happened: ${what}\n${document.body.innerHTML}`);
}
const text = (selector: string) => document.querySelector(selector)?.textContent?.replace(/\s+/g, " ").trim() ?? "";

beforeEach(() => {
  reset();
  calls = [];
  routes = {
    "GET /apps/tally/member": () => json(MEMBER),
    "GET /apps/tally/product-multiplier": () => json({ multiplier: 1 }),
    "GET /cart.js": () => json({ discount_codes: [{ code: "WELCOME", applicable: true }] }),
    "POST /cart/update.js": (_url, init) => {
      const codes = String(JSON.parse(String(init.body)).discount).split(",");
      return json({ discount_codes: codes.map((code) => ({ code, applicable: true })) });
    },
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      calls.push({ url, init });
      const route = routes[`${init.method ?? "GET"} ${url.split("?")[0]}`];
      if (!route) return json({ error: "no route" }, 404);
      return route(url, init);
    }),
  );
});
afterEach(async () => {
  // Let the script's last background requests (a balance refresh) land on the fake.
  for (let i = 0; i < 20; i++) await settle();
  vi.unstubAllGlobals();
  document.body.innerHTML = "";
});

describe("points for a price", () => {
  it("earns the program's rate per whole unit of the price in cents, rounded as the program says", () => {
    expect(pointsForPrice(PROGRAM, 8900)).toEqual({ points: 89, belowMinimum: false });
    const rate = (rounding: "floor" | "round" | "ceil") => ({
      ...PROGRAM,
      earning: { ...PROGRAM.earning, pointsPerCurrencyUnit: 1.5, rounding },
    });
    // 19.99 × 1.5 = 29.985
    expect(pointsForPrice(rate("floor"), 1999).points).toBe(29);
    expect(pointsForPrice(rate("round"), 1999).points).toBe(30);
    expect(pointsForPrice(rate("ceil"), 1999).points).toBe(30);
    // Float noise is not a point: 0.29 × 100 is 28.999999999999996 in binary.
    expect(pointsForPrice({ ...PROGRAM, earning: { ...PROGRAM.earning, pointsPerCurrencyUnit: 100 } }, 29).points).toBe(
      29,
    );
    expect(
      pointsForPrice({ ...rate("ceil"), earning: { ...rate("ceil").earning, pointsPerCurrencyUnit: 100 } }, 29).points,
    ).toBe(29);
  });

  it("says when the price alone is below the order minimum", () => {
    const program = { ...PROGRAM, earning: { ...PROGRAM.earning, minimumSubtotal: 100 } };
    expect(pointsForPrice(program, 8900)).toEqual({ points: 89, belowMinimum: true });
    expect(pointsForPrice(program, 10000)).toEqual({ points: 100, belowMinimum: false });
  });

  it("applies the product's multiplier (from the server's product rules), the running bonus and the member's tier", () => {
    const program = { ...PROGRAM, earning: { ...PROGRAM.earning, bonusMultiplier: 2 } };
    expect(pointsForPrice(program, 1000, 2).points).toBe(40);
    expect(pointsForPrice(program, 1000, 2, "gold").points).toBe(80);
    expect(pointsForPrice(program, 1000, 0).points).toBe(0);
    expect(pointsForPrice({ ...program, enabled: false }, 1000).points).toBe(0);
  });

  it("counts as the server does: the tier multiplies the rounded points; multipliers in thousandths", () => {
    // 1.99 earns 1 point (floor); gold doubles the 1, not the 1.99.
    expect(pointsForPrice(PROGRAM, 199, 1, "gold").points).toBe(2);
    // A rule's 9.3751 counts as 9.375: 4,282.09 × 9.375 = 40,144.59.
    expect(pointsForPrice(PROGRAM, 428209, 9.3751).points).toBe(40144);
  });
});

describe("the launcher", () => {
  it("shows a guest the program, with sign-in and join links, when opened", async () => {
    routes["GET /apps/tally/member"] = () => json({ loggedIn: false, program: PROGRAM });
    mount("tally-launcher");
    expect(calls).toEqual([]);
    const button = document.querySelector<HTMLButtonElement>(".tally-launcher__button")!;
    expect(button.getAttribute("aria-expanded")).toBe("false");
    button.click();
    await until(() => text("[data-tally-body]").includes("How to earn"), "guest view");
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(text(".tally-panel")).toContain("Join our rewards program");
    expect(text("[data-tally-body]")).toContain("1 point for every $1.00 spent");
    expect(text("[data-tally-body]")).toContain("50 points for creating an account");
    expect(text("[data-tally-body]")).toContain("Write a review: 25 points");
    // Merchant-written names are text, never markup.
    expect(document.querySelector("[data-tally-body] b")).toBeNull();
    expect(text("[data-tally-body]")).toContain("Free <b>shipping</b>");
    expect(document.querySelector<HTMLAnchorElement>('[data-tally-body] a[href="/account/login"]')!.textContent).toBe(
      "Sign in",
    );
    expect(document.querySelector('[data-tally-body] a[href="/account/register"]')).not.toBeNull();
    expect(calls.map((c) => c.url)).toEqual(["/apps/tally/member"]);
  });

  it("shows a member their balance, tier, pending and expiring points, affordable rewards and codes", async () => {
    mount("tally-launcher", { customer: true });
    expect(text(".tally-panel")).not.toContain("Join our rewards program");
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => text("[data-tally-body]").includes("450 points"), "member view");
    const body = text("[data-tally-body]");
    expect(body).toContain("Gold member");
    expect(body).toContain("30 points pending");
    expect(body).toContain("450 points expire on Nov 24, 2027");
    expect(body).toContain("50 points to go");
    expect([...document.querySelectorAll<HTMLElement>("[data-redeem]")].map((b) => b.dataset.redeem)).toEqual([
      "ship",
      "pay",
    ]);
    expect(body).toContain("TALLY-OLD");
    // Something to spend: no "How to earn" in the way.
    expect(body).not.toContain("How to earn");
  });

  it("shows a member with nothing to spend yet how to earn", async () => {
    const rewards = MEMBER.loggedIn ? MEMBER.rewards.map((r) => ({ ...r, available: false })) : [];
    routes["GET /apps/tally/member"] = () =>
      json({ ...MEMBER, points: { balance: 0, pending: 0, expiringNext: null }, rewards });
    mount("tally-launcher", { customer: true });
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => text("[data-tally-body]").includes("0 points"), "member view");
    const body = text("[data-tally-body]");
    expect(body).toContain("How to earn");
    expect(body).toContain("1 point for every $1.00 spent");
    expect(body).toContain("Write a review: 25 points");
    expect(body).toContain("200 points to go");
  });

  it("redeems in one click with an Idempotency-Key, then adds the code to the cart's codes", async () => {
    routes["POST /apps/tally/redemptions"] = () =>
      json(
        {
          redemption: {
            id: "r1",
            code: "TALLY-NEW",
            pointsSpent: 200,
            status: "active",
            expiresAt: "2027-01-01T00:00:00.000Z",
          },
        },
        201,
      );
    const updated = vi.fn();
    document.addEventListener("tally:cart-updated", updated);
    mount("tally-launcher", { customer: true });
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => !!document.querySelector('[data-redeem="ship"]'), "rewards");
    // From now on the App Proxy lists the new code among the member's codes.
    const redeemed = { ...MEMBER, redemptions: [...(MEMBER.loggedIn ? MEMBER.redemptions : [])] };
    redeemed.redemptions.push({
      id: "r1",
      code: "TALLY-NEW",
      pointsSpent: 200,
      status: "active",
      expiresAt: "2027-01-01",
    });
    routes["GET /apps/tally/member"] = () => json(redeemed);
    document.querySelector<HTMLButtonElement>('[data-redeem="ship"]')!.click();
    await until(() => text("[data-tally-body]").includes("TALLY-NEW"), "the new code under Your codes");
    // Once: under "Your codes", with its Copy button; the message does not repeat it.
    expect(text("[data-tally-msg]")).toBe("Applied to your cart.");
    expect(text(".tally-panel").split("TALLY-NEW")).toHaveLength(2);
    expect(document.querySelectorAll('.tally-panel [data-copy="TALLY-NEW"]')).toHaveLength(1);

    const redeem = calls.find((c) => c.url === "/apps/tally/redemptions")!;
    expect(redeem.init.method).toBe("POST");
    const headers = redeem.init.headers as Record<string, string>;
    expect(headers["Content-Type"]).toBe("application/json");
    expect(headers["Idempotency-Key"]).toMatch(/^[0-9a-f-]{36}$/);
    // The offer's points go along (a fixed reward's cost, which Tally ignores).
    expect(JSON.parse(String(redeem.init.body))).toEqual({ rewardId: "ship", points: 200 });
    const update = calls.find((c) => c.url === "/cart/update.js")!;
    expect(JSON.parse(String(update.init.body))).toEqual({ discount: "WELCOME,TALLY-NEW" });
    expect(updated).toHaveBeenCalledOnce();
    document.removeEventListener("tally:cart-updated", updated);
    // Nothing the script sends names a customer: the App Proxy adds the signed-in one.
    for (const call of calls) expect(`${call.url} ${String(call.init.body ?? "")}`).not.toMatch(/customer/i);
  });

  it("redeems a variable reward at its minimum points", async () => {
    routes["POST /apps/tally/redemptions"] = () =>
      json(
        {
          redemption: {
            id: "r2",
            code: "PTS-1",
            pointsSpent: 100,
            status: "active",
            expiresAt: "2027-01-01T00:00:00Z",
          },
        },
        201,
      );
    mount("tally-launcher", { customer: true });
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => !!document.querySelector('[data-redeem="pay"]'), "rewards");
    document.querySelector<HTMLButtonElement>('[data-redeem="pay"]')!.click();
    await until(() => calls.some((c) => c.url === "/apps/tally/redemptions"), "redeem");
    expect(JSON.parse(String(calls.find((c) => c.url === "/apps/tally/redemptions")!.init.body))).toEqual({
      rewardId: "pay",
      points: 100,
    });
  });
});

describe("the launcher converting points to store credit", () => {
  it("says the credit is ready, touches no cart and lists no code", async () => {
    routes["POST /apps/tally/redemptions"] = () =>
      json(
        {
          redemption: {
            id: "r3",
            code: null,
            pointsSpent: 1200,
            status: "active",
            expiresAt: null,
            storeCredit: { amount: "12.00", currencyCode: "USD" },
          },
        },
        201,
      );
    mount("tally-launcher", { customer: true });
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => !!document.querySelector('[data-redeem="pay"]'), "rewards");
    document.querySelector<HTMLButtonElement>('[data-redeem="pay"]')!.click();
    await until(() => text("[data-tally-msg]").includes("store credit"), "the store credit message");
    expect(text("[data-tally-msg]")).toBe(
      "Done: your points are now store credit, applied at checkout when you are signed in.",
    );
    expect(calls.some((c) => c.url === "/cart/update.js")).toBe(false);
    expect(text(".tally-panel")).not.toContain("null");
  });
});

describe("the launcher's referral sheet", () => {
  const REFERRALS = {
    friendOffer: { type: "percentage" as const, percentage: 10 },
    referrerReward: { type: "points" as const, points: 500 },
    minimumOrder: 0,
    attributionDays: 30,
  };
  const withReferrals = (
    referrals: typeof PROGRAM.referrals,
    referral: { code: string; path: string } | null = { code: "7M2K9Q4X", path: "/apps/tally/r/7M2K9Q4X" },
  ) => (routes["GET /apps/tally/member"] = () => json({ ...MEMBER, referral, program: { ...PROGRAM, referrals } }));
  async function openSheet() {
    mount("tally-launcher", { customer: true });
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => text("[data-tally-body]").includes("450 points"), "member view");
  }
  const sheet = () => document.querySelector<HTMLElement>("[data-tally-refer]")!;
  const field = () => sheet().querySelector("input")!;
  afterEach(() => {
    // happy-dom has neither a share sheet nor execCommand of its own.
    delete (navigator as { share?: unknown }).share;
    delete (document as { execCommand?: unknown }).execCommand;
  });

  it("says what each side gets, by the friend's offer and the referrer's reward", async () => {
    const sentences: string[] = [];
    for (const offer of [
      {
        friendOffer: { type: "percentage" as const, percentage: 10 },
        referrerReward: { type: "points" as const, points: 500 },
      },
      {
        friendOffer: { type: "fixed_amount" as const, amount: 5 },
        referrerReward: { type: "points" as const, points: 1 },
      },
      {
        friendOffer: { type: "free_shipping" as const },
        referrerReward: { type: "reward" as const, name: "A <b>tote</b> bag" },
      },
    ]) {
      reset();
      withReferrals({ ...REFERRALS, ...offer });
      await openSheet();
      expect(sheet().hidden).toBe(false);
      sentences.push(text("[data-tally-refer-text]"));
    }
    expect(sentences).toEqual([
      "Give friends 10% off on their first order, get 500 points when they buy.",
      "Give friends $5.00 off on their first order, get 1 point when they buy.",
      "Give friends free shipping on their first order, get A <b>tote</b> bag when they buy.",
    ]);
    // A reward's name is text, never markup.
    expect(document.querySelector("[data-tally-refer-text] b")).toBeNull();
    expect(text("[data-tally-refer] h3")).toBe("Refer a friend");
  });

  it("shows the member's full link, read-only, and copies it", async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    withReferrals(REFERRALS);
    await openSheet();
    expect(field().readOnly).toBe(true);
    expect(field().value).toBe(`${location.origin}/apps/tally/r/7M2K9Q4X`);
    expect(field().getAttribute("aria-label")).toBe("Your referral link");
    sheet().querySelector<HTMLButtonElement>("[data-copy]")!.click();
    expect(writeText).toHaveBeenCalledWith(`${location.origin}/apps/tally/r/7M2K9Q4X`);
  });

  it("copies by selecting the link when the clipboard API is missing or refused", async () => {
    const execCommand = vi.fn(() => true);
    Object.assign(document, { execCommand });
    vi.stubGlobal("navigator", { ...navigator, clipboard: undefined });
    withReferrals(REFERRALS);
    await openSheet();
    const select = vi.spyOn(field(), "select");
    sheet().querySelector<HTMLButtonElement>("[data-copy]")!.click();
    expect(select).toHaveBeenCalledOnce();
    expect(execCommand).toHaveBeenCalledWith("copy");

    vi.stubGlobal("navigator", {
      ...navigator,
      clipboard: { writeText: () => Promise.reject(new Error("NotAllowedError")) },
    });
    sheet().querySelector<HTMLButtonElement>("[data-copy]")!.click();
    await until(() => execCommand.mock.calls.length === 2, "the fallback after a refusal");
  });

  it("offers Share only where the browser has a share sheet", async () => {
    withReferrals(REFERRALS);
    await openSheet();
    const shareButton = () => sheet().querySelector<HTMLButtonElement>("[data-tally-share]")!;
    expect(shareButton().hidden).toBe(true);

    const share = vi.fn(async () => {});
    Object.assign(navigator, { share });
    reset();
    await openSheet();
    expect(shareButton().hidden).toBe(false);
    expect(shareButton().textContent).toBe("Share");
    shareButton().click();
    expect(share).toHaveBeenCalledWith({ url: `${location.origin}/apps/tally/r/7M2K9Q4X` });
  });

  it("puts the link under the storefront's locale prefix", async () => {
    routes["GET /fr/apps/tally/member"] = withReferrals(REFERRALS);
    mount("tally-launcher", { customer: true, root: "/fr/" });
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => field().value !== "", "the link");
    expect(field().value).toBe(`${location.origin}/fr/apps/tally/r/7M2K9Q4X`);
  });

  it("stays hidden while referrals are off, and is not rendered for guests", async () => {
    withReferrals(null, null);
    await openSheet();
    expect(sheet().hidden).toBe(true);
    reset();
    mount("tally-launcher");
    expect(document.querySelector("[data-tally-refer]")).toBeNull();
  });
});

describe("the cart block", () => {
  const useReward = async (rewardId: string) => {
    await until(() => !!document.querySelector("[data-use]"), "the reward picker");
    document.querySelector<HTMLSelectElement>(".tally-select")!.value = rewardId;
    document.querySelector<HTMLButtonElement>("[data-use]")!.click();
  };

  it("asks a guest to sign in without calling Tally", async () => {
    mount("cart-redeem");
    await settle();
    expect(text("[data-tally-body]")).toContain("Sign in to use your points on this order.");
    expect(document.querySelector('[data-tally-body] a[href="/account/login"]')).not.toBeNull();
    expect(calls).toEqual([]);
  });

  it("lists the rewards the member can afford and uses one: code shown and applied", async () => {
    routes["POST /apps/tally/redemptions"] = () =>
      json(
        {
          redemption: {
            id: "r1",
            code: "TALLY-CART",
            pointsSpent: 200,
            status: "active",
            expiresAt: "2027-01-01T00:00:00Z",
          },
        },
        201,
      );
    mount("cart-redeem", { customer: true });
    document.querySelector<HTMLElement>(".tally-cart")!.dataset.reload = "false";
    await until(() => text("[data-tally-body]").includes("You have 450 points."), "balance");
    expect([...document.querySelectorAll("option")].map((o) => o.textContent)).toEqual([
      "Free shipping (200 points)",
      "Pay with points (100 points)",
    ]);
    await useReward("ship");
    await until(() => text("[data-tally-msg]").includes("Applied to your cart"), "applied");
    expect(text("[data-tally-msg]")).toContain("TALLY-CART");
    expect(JSON.parse(String(calls.find((c) => c.url === "/cart/update.js")!.init.body))).toEqual({
      discount: "WELCOME,TALLY-CART",
    });
  });

  it("shows not enough points without spending, and refreshes the balance", async () => {
    routes["POST /apps/tally/redemptions"] = () =>
      json({ error: "insufficient_points", balance: 100, pointsNeeded: 200 }, 409);
    mount("cart-redeem", { customer: true });
    await useReward("ship");
    await until(() => text("[data-tally-msg]").includes("You need 200 points"), "error");
    expect(text("[data-tally-msg]")).toBe(
      "You need 200 points for this reward and have 100 points. Nothing was spent.",
    );
    expect(document.querySelector("[data-tally-msg]")!.className).toContain("tally-msg--error");
    expect(calls.some((c) => c.url.startsWith("/cart/update"))).toBe(false);
    await until(() => calls.filter((c) => c.url === "/apps/tally/member").length === 2, "a fresh balance");
  });

  it("asks a shopper whose session ended to sign in again", async () => {
    routes["POST /apps/tally/redemptions"] = () => json({ error: "not_logged_in" }, 401);
    mount("cart-redeem", { customer: true });
    await useReward("ship");
    await until(() => text("[data-tally-msg]").includes("sign in again"), "error");
    expect(document.querySelector('[data-tally-msg] a[href="/account/login"]')).not.toBeNull();
  });

  it("keeps the code on screen when the cart does not take it", async () => {
    routes["POST /apps/tally/redemptions"] = () =>
      json(
        {
          redemption: {
            id: "r1",
            code: "TALLY-KEEP",
            pointsSpent: 200,
            status: "active",
            expiresAt: "2027-01-01T00:00:00Z",
          },
        },
        201,
      );
    routes["POST /cart/update.js"] = () => json({ discount_codes: [{ code: "TALLY-KEEP", applicable: false }] });
    mount("cart-redeem", { customer: true });
    await useReward("ship");
    await until(() => text("[data-tally-msg]").includes("Enter your code at checkout."), "fallback");
    expect(text("[data-tally-msg] code")).toBe("TALLY-KEEP");
    expect(document.querySelector<HTMLElement>("[data-tally-msg] [data-copy]")!.dataset.copy).toBe("TALLY-KEEP");
  });

  it("says so when Shopify refused the code (the points are back)", async () => {
    routes["POST /apps/tally/redemptions"] = () =>
      json({ error: "code_not_created", redemption: { status: "failed" } }, 502);
    mount("cart-redeem", { customer: true });
    await useReward("ship");
    await until(() => text("[data-tally-msg]").includes("Your points are back"), "error");
  });

  it("retries with the same Idempotency-Key after a network failure", async () => {
    let attempts = 0;
    routes["POST /apps/tally/redemptions"] = () => {
      attempts += 1;
      if (attempts === 1) throw new TypeError("Failed to fetch");
      return json(
        {
          redemption: {
            id: "r1",
            code: "TALLY-ONCE",
            pointsSpent: 200,
            status: "active",
            expiresAt: "2027-01-01T00:00:00Z",
          },
        },
        201,
      );
    };
    mount("cart-redeem", { customer: true });
    await useReward("ship");
    await until(() => text("[data-tally-msg]").includes("couldn't reach the store"), "network error");
    await useReward("ship");
    await until(() => text("[data-tally-msg]").includes("TALLY-ONCE"), "retry");
    const keys = calls
      .filter((c) => c.url === "/apps/tally/redemptions")
      .map((c) => (c.init.headers as Record<string, string>)["Idempotency-Key"]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });
});

describe("the product block", () => {
  const product = {
    id: 8800000001,
    type: "Outerwear",
    tags: ["new"],
    collections: [{ id: 4410 }],
    selected_or_first_available_variant: { id: 11, price: 8900 },
    variants: [
      { id: 11, price: 8900 },
      { id: 12, price: 9450 },
    ],
  };

  it("says what the selected variant earns, and follows the variant picker", async () => {
    routes["GET /apps/tally/member"] = () => json({ loggedIn: false, program: PROGRAM });
    mount("product-points", { product });
    const line = document.querySelector(".tally-product__text")!;
    expect(line.querySelector(".tally-skeleton")).not.toBeNull();
    await until(() => text(".tally-product__text") === "Earn 89 points with this purchase", "points");
    document.body.insertAdjacentHTML(
      "beforeend",
      '<form action="/cart/add"><select name="id"><option value="11">S</option><option value="12">L</option></select></form>',
    );
    const select = document.querySelector<HTMLSelectElement>('select[name="id"]')!;
    select.value = "12";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    expect(text(".tally-product__text")).toBe("Earn 94 points with this purchase");
  });

  it("counts the member's tier multiplier and mentions the order minimum", async () => {
    routes["GET /apps/tally/member"] = () =>
      json({ ...MEMBER, program: { ...PROGRAM, earning: { ...PROGRAM.earning, minimumSubtotal: 100 } } });
    mount("product-points", { product, customer: true });
    await until(() => text(".tally-product__text") !== "", "points");
    expect(text(".tally-product__text")).toBe("Earn 178 points on orders of $100.00 or more");
  });

  it("asks the server for the product's multiplier with the product's facts, and shows nothing for an excluded product", async () => {
    let asked = "";
    routes["GET /apps/tally/member"] = () => json({ loggedIn: false, program: PROGRAM });
    routes["GET /apps/tally/product-multiplier"] = (url) => {
      asked = url;
      return json({ multiplier: 0 });
    };
    mount("product-points", { product });
    await until(() => !document.querySelector(".tally-product__text .tally-skeleton"), "rendered");
    expect(text(".tally-product__text")).toBe("");
    expect(new URL(asked, "https://shop.test").search).toBe(
      "?product_id=8800000001&type=Outerwear&tag=new&collection=4410",
    );
  });
});

describe("in the shopper's language and currency", () => {
  const guest = (earning: Partial<PublicProgram["earning"]>) => () =>
    json({ loggedIn: false, program: { ...PROGRAM, earning: { ...PROGRAM.earning, ...earning } } });
  const openLauncher = async (what: string) => {
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => text("[data-tally-body]").includes(what), what);
    return text("[data-tally-body]");
  };

  it("speaks French: 0 and 1 point singular, 2 points plural, French digit grouping, amounts converted to euros", async () => {
    routes["GET /apps/tally/member"] = guest({ pointsPerCurrencyUnit: 1, signupPoints: 0, birthdayPoints: 1234 });
    mount("tally-launcher", { language: "fr", currency: { code: "EUR", rate: "0.9" } });
    const body = await openLauncher("Comment gagner des points");
    // $1 of the shop's is €0.90 at Shopify's rate.
    expect(body).toContain("1 point par 0,90 € dépensé");
    expect(body).toContain("1 234 points");
    // Actions are named by the merchant.
    expect(body).toContain("Write a review: 25 points");
    document.body.innerHTML = "";
    reset();
    routes["GET /apps/tally/member"] = () =>
      json({ ...MEMBER, points: { balance: 0, pending: 1, expiringNext: null } });
    mount("tally-launcher", { customer: true, language: "fr", currency: { code: "EUR", rate: "0.9" } });
    const member = await openLauncher("en attente");
    expect(text(".tally-balance strong")).toBe("0 point");
    expect(member).toContain("1 point en attente");
    expect(member).toContain("Encore 500 points");
  });

  it("speaks Japanese: no plural, yen without decimals", async () => {
    routes["GET /apps/tally/member"] = guest({ pointsPerCurrencyUnit: 1, signupPoints: 1 });
    mount("tally-launcher", { language: "ja", currency: { code: "JPY", rate: "150.4" } });
    const body = await openLauncher("ポイントの貯め方");
    expect(body).toContain("￥150のお買い物ごとに1ポイント");
    expect(body).toContain("アカウント作成で1ポイント");
    expect(body).toContain("Write a review: 25ポイント");
  });

  it("counts a product's points on its price in the shop's currency, and shows the minimum in the shopper's", async () => {
    routes["GET /apps/tally/member"] = guest({ minimumSubtotal: 100 });
    mount("product-points", {
      language: "fr",
      currency: { code: "EUR", rate: "0.9" },
      // €80.10 on the page is $89.00 of the shop's.
      product: {
        id: 1,
        type: "Outerwear",
        tags: [],
        collections: [],
        variants: [],
        selected_or_first_available_variant: { id: 11, price: 8010 },
      },
    });
    await until(() => text(".tally-product__text") !== "", "points");
    expect(text(".tally-product__text")).toBe("Gagnez 89 points pour toute commande de 90,00 € ou plus");
  });

  it("says how many points a reward needs in words that agree with the count", async () => {
    routes["POST /apps/tally/redemptions"] = () =>
      json({ error: "insufficient_points", balance: 1, pointsNeeded: 200 }, 409);
    routes["GET /apps/tally/member"] = () => json({ ...MEMBER, rewards: [{ ...MEMBER.rewards[1]!, available: true }] });
    mount("tally-launcher", { customer: true });
    await openLauncher("Free shipping");
    document.querySelector<HTMLButtonElement>("[data-redeem]")!.click();
    await until(() => text("[data-tally-msg]").includes("You need"), "error");
    expect(text("[data-tally-msg]")).toBe("You need 200 points for this reward and have 1 point. Nothing was spent.");
  });
});

describe("the account block", () => {
  it("shows the balance and the points history, page by page", async () => {
    const entry = (id: string, points: number, description: string) => ({
      id,
      at: "2026-05-01T10:00:00.000Z",
      kind: "earn",
      points,
      pending: false,
      description,
    });
    routes["GET /apps/tally/member/activity"] = (url) =>
      url.includes("cursor=e2")
        ? json({ entries: [entry("e3", -500, "Redeemed: 5 off")], nextCursor: null })
        : json({
            entries: [entry("e1", 120, "Earned on order #1001"), entry("e2", 80, "Earned on order #1002")],
            nextCursor: "e2",
          });
    mount("account-points", { customer: true });
    await until(() => text("[data-tally-activity]").includes("#1002"), "first page");
    expect(text("[data-tally-body]")).toContain("450 points");
    expect(text("[data-tally-activity]")).toContain("+120");
    const more = document.querySelector<HTMLButtonElement>("[data-more]")!;
    expect(more.hidden).toBe(false);
    more.click();
    await until(() => text("[data-tally-activity]").includes("Redeemed: 5 off"), "second page");
    expect(text("[data-tally-activity]")).toContain("-500");
    expect(more.hidden).toBe(true);
    expect(document.querySelectorAll("[data-tally-activity] li")).toHaveLength(3);
  });

  it("says when points cannot be loaded", async () => {
    routes["GET /apps/tally/member"] = () => json({ error: "boom" }, 500);
    mount("account-points", { customer: true });
    await until(() => text("[data-tally-body]").includes("Points are unavailable right now."), "error");
  });
});

describe("actions shoppers claim (tally-claim.js)", () => {
  // The theme's copy of the program says there is an action to claim: the snippet loads the list.
  const themeProgram = {
    tiers: { levels: [] },
    earning: { actions: [{ name: "Follow us on Instagram", points: 50, claimable: true }] },
  };
  const ACTIONS: ClaimableAction[] = [
    { key: "instagram", name: "Follow us on Instagram", points: 50, url: "https://instagram.com/shop", status: "open" },
    { key: "blog", name: "Read the <b>blog</b>", points: 5, url: "https://example.com/blog", status: "limit_reached" },
  ];
  let claimed: boolean;
  beforeEach(() => {
    claimed = false;
    // As main.ts does: the claims list shares tally.js's request.
    (document as Document & { tally?: unknown }).tally = loadMember;
    routes["GET /apps/tally/member"] = () =>
      json({
        ...MEMBER,
        points: { ...MEMBER.points, balance: claimed ? 500 : 450 },
        actions: ACTIONS.map((a) => (claimed && a.key === "instagram" ? { ...a, status: "claimed" } : a)),
      });
    routes["POST /apps/tally/actions/claim"] = () => {
      claimed = true;
      return json({ action: "instagram", status: "claimed", points: 50, balance: 500 }, 201);
    };
  });

  it("loads no claims list (nor its script) while the theme's program has nothing to claim", () => {
    mount("account-points", { customer: true });
    expect(document.querySelector("[data-tally-claims]")).toBeNull();
    expect(document.querySelector('script[src$="tally-claim.js"]')).toBeNull();
    mount("account-points", { customer: true, themeProgram });
    expect(document.querySelector('script[src="/cdn/assets/tally-claim.js"]')).not.toBeNull();
  });

  it("lists the actions in the account block, each open one a link that opens in a new tab", async () => {
    mount("account-points", { customer: true, themeProgram });
    bootClaims(document);
    await until(() => text("[data-tally-claims]").includes("Instagram"), "claims list");
    const box = document.querySelector<HTMLElement>("[data-tally-claims]")!;
    expect(box.hidden).toBe(false);
    expect(text("[data-tally-claims] h3")).toBe("Earn more points");
    const link = box.querySelector<HTMLAnchorElement>("a[data-claim]")!;
    expect([link.getAttribute("href"), link.target, link.rel]).toEqual([
      "https://instagram.com/shop",
      "_blank",
      "noopener noreferrer",
    ]);
    expect(text("[data-tally-claims] li:first-child")).toBe("Follow us on Instagram+50 points");
    // The other is earned already: no link, and its name escaped.
    expect(box.querySelectorAll("a")).toHaveLength(1);
    expect(text("[data-tally-claims] li:last-child")).toBe("Read the <b>blog</b>Already earned");
    // One GET /member for the account block and the claims list together.
    expect(calls.filter((c) => c.url.startsWith("/apps/tally/member") && !c.url.includes("activity"))).toHaveLength(1);
  });

  it("claims on the link's click: Claimed · +50 points, and the balance up", async () => {
    mount("account-points", { customer: true, themeProgram });
    bootClaims(document);
    await until(
      () => text("[data-tally-body]").includes("450 points") && text("[data-tally-claims]").includes("Instagram"),
      "loaded",
    );
    const link = document.querySelector<HTMLAnchorElement>("a[data-claim]")!;
    link.addEventListener("click", (event) => event.preventDefault()); // happy-dom would navigate
    link.click();
    await until(() => text("[data-tally-claims]").includes("Claimed"), "claimed");
    expect(text("[data-tally-claims] li:first-child")).toBe("Follow us on InstagramClaimed · +50 points");
    expect(document.querySelector("a[data-claim]")).toBeNull();
    expect(text("[data-tally-body] .tally-balance")).toContain("500 points");
    const post = calls.find((c) => c.init.method === "POST")!;
    expect(post.url).toBe("/apps/tally/actions/claim");
    expect(JSON.parse(String(post.init.body))).toEqual({ action: "instagram" });
  });

  it("shows Tally's message when a claim is refused, and nothing at all without actions or for a guest", async () => {
    routes["POST /apps/tally/actions/claim"] = () =>
      json({ error: "limit_reached", message: "You've already earned the points for this action." }, 409);
    mount("account-points", { customer: true, themeProgram });
    bootClaims(document);
    await until(() => text("[data-tally-claims]").includes("Instagram"), "claims list");
    const link = document.querySelector<HTMLAnchorElement>("a[data-claim]")!;
    link.addEventListener("click", (event) => event.preventDefault());
    link.click();
    await until(() => text("[data-tally-claims]").includes("already earned"), "refused");

    routes["GET /apps/tally/member"] = () => json(MEMBER);
    reset();
    mount("account-points", { customer: true, themeProgram });
    bootClaims(document);
    await until(() => text("[data-tally-body]").includes("450 points"), "member");
    await settle();
    expect(document.querySelector<HTMLElement>("[data-tally-claims]")!.hidden).toBe(true);
    mount("account-points", { customer: false, themeProgram });
    expect(document.querySelector("[data-tally-claims]")).toBeNull();
  });

  it("loads the launcher's list when its panel opens", async () => {
    mount("tally-launcher", { customer: true, themeProgram });
    bootClaims(document);
    await settle();
    expect(calls).toHaveLength(0);
    document.querySelector<HTMLButtonElement>(".tally-launcher__button")!.click();
    await until(() => text("[data-tally-claims]").includes("Instagram"), "claims in the panel");
    expect(calls.filter((c) => c.url === "/apps/tally/member")).toHaveLength(1);
  });
});
