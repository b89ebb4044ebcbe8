// @vitest-environment happy-dom
// @vitest-environment-options {"settings": {"handleDisabledFileLoadingAsSuccess": true}}
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultProgram } from "~/loyalty/program/program";
import { storefrontProgram } from "~/loyalty/program/storefront-program";
import { interpolate, renderLiquid, schemaOf } from "../../../sandbox/storefront/liquid";
import { bootGiving, roundUpFor, type CartJson, type RoundUpConfig } from "./round-up";

/*
 * The cart's round-up and the running total (tally-round-up.js) on the blocks' real markup: the
 * Liquid rendered as a theme would from the storefront's copy of the program, the script run
 * against a fake Cart AJAX API that keeps a cart and a fake App Proxy.
 */

const DIR = "extensions/tally-theme";
const VARIANT = 4401;
const localeFile = (language: string) =>
  JSON.parse(readFileSync(`${DIR}/locales/${language === "en" ? "en.default" : language}.json`, "utf8"));

function giving(change: (program: ReturnType<typeof defaultProgram>) => void = () => {}) {
  const program = defaultProgram();
  program.giving.enabled = true;
  program.giving.causes = [
    {
      id: "ended",
      name: "Last year's drive",
      description: "",
      url: null,
      startsAt: "2020-01-01T00:00:00Z",
      endsAt: "2021-01-01T00:00:00Z",
    },
    {
      id: "ocean",
      name: "Ocean Cleanup",
      description: "Plastic out of the sea",
      url: "https://ocean.example.org",
      translations: { fr: { name: "Océans propres", description: "Moins de plastique" } },
      startsAt: null,
      endsAt: null,
    },
  ];
  program.giving.defaultCauseId = "ocean";
  program.giving.roundUp = { ...program.giving.roundUp, enabled: true, variantId: String(VARIANT) };
  change(program);
  return storefrontProgram(program, "EUR");
}

function render(
  handle: string,
  program: unknown,
  options: { language?: string; currency?: string; reload?: boolean } = {},
) {
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
  const settings = {
    ...Object.fromEntries(
      ((schemaOf(source)?.settings ?? []) as { id: string; default?: unknown }[]).map((s) => [s.id, s.default ?? null]),
    ),
    // The page stays, so the tests see what the script renders (a test below reloads).
    reload: options.reload ?? false,
  };
  return renderLiquid(
    source,
    {
      routes: {
        root_url: "/",
        cart_url: "/cart",
        cart_add_url: "/cart/add",
        cart_change_url: "/cart/change",
      },
      request: { locale: { iso_code: language } },
      cart: { currency: { iso_code: options.currency ?? "EUR" } },
      shop: { name: "Tea & Co", currency: "EUR", metafields: { tally: { program: { value: program } } } },
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
}

let cart: CartJson;
let calls: { url: string; body: unknown }[];
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await settle();
  if (!check()) throw new Error(`never happened: ${what}\n${document.body.innerHTML}`);
}
const line = (variant: number, quantity: number, price: number) => ({
  key: `${variant}:k`,
  variant_id: variant,
  quantity,
  final_line_price: price * quantity,
});
const donation = () => cart.items.find((item) => item.variant_id === VARIANT);
const box = () => document.querySelector<HTMLElement>("[data-tally-round-up]")!;
/** The toggle, once the script has rendered the cart it left (enabled again). */
const settled = () => box().querySelector<HTMLInputElement>("[data-round-up-toggle]:not([disabled])");
const text = () => box().querySelector("[data-round-up-body]")!.textContent!.replace(/\s+/g, " ").trim();

beforeEach(() => {
  calls = [];
  cart = { items: [line(1, 1, 4527)] };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
      calls.push({ url, body });
      if (url === "/cart.js") return json(cart);
      if (url === "/cart/add.js") {
        const [item] = body.items;
        cart.items.push({ ...line(item.id, item.quantity, 1) });
        return json({ items: [item] });
      }
      if (url === "/cart/change.js") {
        const item = cart.items.find((i) => i.key === body.id)!;
        cart.items = body.quantity ? cart.items : cart.items.filter((i) => i !== item);
        Object.assign(item, { quantity: body.quantity, final_line_price: body.quantity });
        return json(cart);
      }
      if (url === "/apps/tally/giving")
        return json({
          causes: [
            { id: "ocean", name: "Ocean Cleanup", totalCents: 124000, currencyCode: "EUR", donors: 31 },
            { id: "trees", name: "Trees", totalCents: 0, currencyCode: "EUR", donors: 0 },
          ],
        });
      return json({}, 404);
    }),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = "";
});

describe("the cart's round-up", () => {
  it("offers the running default cause's round-up and adds it as the donation variant × minor units, with its cause", async () => {
    document.body.innerHTML = render("round-up", giving());
    bootGiving(document);
    await until(() => !box().hidden, "shown");
    expect(text()).toBe("Round up €0.73 for Ocean Cleanup");
    expect(box().textContent).toContain("Plastic out of the sea");

    box().querySelector<HTMLInputElement>("[data-round-up-toggle]")!.click();
    await until(() => donation() !== undefined, "added");
    expect(calls.find((c) => c.url === "/cart/add.js")!.body).toEqual({
      items: [{ id: VARIANT, quantity: 73, properties: { _tally_cause: "ocean" } }],
    });
    await until(() => settled()?.checked === true, "ticked");

    // Unticked: the line goes.
    settled()!.click();
    await until(() => donation() === undefined, "removed");
    expect(calls.filter((c) => c.url === "/cart/change.js")).toEqual([
      { url: "/cart/change.js", body: { id: `${VARIANT}:k`, quantity: 0 } },
    ]);
  });

  it("reloads the page after the shopper's change when the merchant leaves that on, for the theme's own cart", async () => {
    const reload = vi.fn();
    vi.stubGlobal("location", { ...location, reload });
    const updated = vi.fn();
    document.addEventListener("tally:cart-updated", updated, { once: true });
    document.body.innerHTML = render("round-up", giving(), { reload: true });
    bootGiving(document);
    await until(() => !box().hidden, "shown");
    box().querySelector<HTMLInputElement>("[data-round-up-toggle]")!.click();
    await until(() => reload.mock.calls.length === 1, "reloaded");
    expect(donation()).toMatchObject({ quantity: 73 });
    expect(updated).toHaveBeenCalledOnce();
  });

  it("keeps the donation equal to the round-up when the cart changes, leaving itself out of the subtotal", async () => {
    cart.items.push(line(VARIANT, 73, 1));
    document.body.innerHTML = render(
      "round-up",
      giving((p) => (p.giving.roundUp.rule = "next_5")),
    );
    bootGiving(document);
    // 45.27 to 50.00: 473, not 73, and not rounding 46.00 (the donation's own 0.73 left out).
    await until(() => donation()?.quantity === 473, "brought to next_5");
    await until(() => box().querySelector<HTMLInputElement>("[data-round-up-toggle]")?.checked === true, "ticked");
    expect(text()).toBe("Round up €4.73 for Ocean Cleanup");
    expect(calls.filter((c) => c.url === "/cart/change.js")).toHaveLength(1);
  });

  it("tries once when the cart refuses to bring the donation along, never in a loop", async () => {
    // The browser's observer, played by the test: each cart request it reports.
    const observers: ((list: { getEntries: () => { name: string }[] }) => void)[] = [];
    vi.stubGlobal(
      "PerformanceObserver",
      class {
        constructor(callback: (typeof observers)[number]) {
          observers.push(callback);
        }
        observe() {}
      },
    );
    const observed = async (path: string) => {
      observers.forEach((callback) => callback({ getEntries: () => [{ name: "https://shop.example" + path }] }));
      for (let i = 0; i < 10; i++) await settle();
    };
    cart.items.push(line(VARIANT, 73, 1));
    const answer = vi.mocked(fetch).getMockImplementation()!;
    vi.mocked(fetch).mockImplementation(async (url, init) =>
      url === "/cart/change.js"
        ? (calls.push({ url, body: undefined }), json({ status: 422, message: "Cart Error" }, 422))
        : answer(url, init),
    );
    document.body.innerHTML = render("round-up", giving());
    bootGiving(document);
    await until(() => !box().hidden, "shown");
    // The theme adds 10.00: the round-up stays 0.73, nothing to change.
    cart.items.push(line(2, 1, 1000));
    await observed("/cart/add.js");
    expect(calls.filter((c) => c.url === "/cart/change.js")).toHaveLength(0);
    // It adds 0.50: the round-up is 0.23 now, the cart refuses, and its refusal is a cart request too.
    cart.items.push(line(3, 1, 50));
    await observed("/cart/add.js");
    await observed("/cart/change.js");
    await observed("/cart/change.js");
    expect(calls.filter((c) => c.url === "/cart/change.js")).toHaveLength(1);
  });

  it("offers fixed amounts as buttons, and replaces or takes back the amount given", async () => {
    document.body.innerHTML = render(
      "round-up",
      giving((p) => (p.giving.roundUp.rule = "fixed")),
    );
    bootGiving(document);
    await until(() => !box().hidden, "shown");
    expect(text()).toBe("Give to Ocean Cleanup:€1.00 €2.00 €5.00");
    box().querySelector<HTMLButtonElement>('[data-units="2"]')!.click();
    await until(() => donation()?.quantity === 200, "2.00 given");
    await until(
      () => box().querySelector('[data-units="2"]:not([disabled])')?.getAttribute("aria-pressed") === "true",
      "pressed",
    );
    box().querySelector<HTMLButtonElement>('[data-units="5"]')!.click();
    await until(() => donation()?.quantity === 500, "5.00 instead");
    await until(
      () => box().querySelector('[data-units="5"]:not([disabled])')?.getAttribute("aria-pressed") === "true",
      "pressed",
    );
    box().querySelector<HTMLButtonElement>('[data-units="5"]')!.click();
    await until(() => donation() === undefined, "taken back");
  });

  it("rounds a yen cart in yen, though the Cart AJAX API gives its prices in hundredths", () => {
    const config = { rule: "next_5", currency: "JPY", variant: String(VARIANT) } as RoundUpConfig;
    expect(roundUpFor(config, { items: [line(1, 1, 452_700), line(VARIANT, 2, 100)] })).toBe(3);
  });

  it("speaks the shopper's language, the cause's own words in it", async () => {
    document.body.innerHTML = render("round-up", giving(), { language: "fr" });
    bootGiving(document);
    await until(() => !box().hidden, "shown");
    expect(text()).toBe("Arrondir de 0,73 € pour Océans propres");
    expect(box().textContent).toContain("Moins de plastique");
  });

  it("renders nothing in another currency, without a round-up, or while the program is off", () => {
    expect(render("round-up", giving(), { currency: "USD" }).trim()).toBe("");
    expect(
      render(
        "round-up",
        giving((p) => (p.giving.roundUp.enabled = false)),
      ).trim(),
    ).toBe("");
    expect(
      render(
        "round-up",
        giving((p) => (p.enabled = false)),
      ).trim(),
    ).toBe("");
    expect(
      render(
        "round-up",
        giving((p) => (p.giving.causes[1]!.endsAt = "2021-06-01T00:00:00Z")),
      ).trim(),
    ).toBe("");
    expect(render("round-up", null).trim()).toBe("");
  });
});

describe("the running total per cause", () => {
  it("says what shoppers gave together to each cause that received something", async () => {
    document.body.innerHTML = render("giving-total", giving());
    bootGiving(document);
    const total = document.querySelector<HTMLElement>("[data-tally-giving]")!;
    await until(() => !total.hidden, "shown");
    expect(total.querySelector("[data-giving-body]")!.textContent).toBe("Together we gave €1,240.00 to Ocean Cleanup");
    expect(calls.map((c) => c.url)).toEqual(["/apps/tally/giving"]);
  });
});
