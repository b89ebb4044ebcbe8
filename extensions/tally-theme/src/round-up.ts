/**
 * Giving back in the theme (docs/giving.md#where-shoppers-give): the cart's round-up and the
 * running total per cause. The round-up block (blocks/round-up.liquid) gives its config as JSON
 * (the rule, the donation variant, the running cause, its texts); this script adds the donation
 * line through the Cart AJAX API (`POST /cart/add.js` with the `_tally_cause` property, the variant
 * costing one minor unit, so 0.73 is × 73), removes it (`POST /cart/change.js`, quantity 0), and
 * keeps its quantity equal to the round-up whenever the theme changes the cart. The total block
 * (blocks/giving-total.liquid) reads `GET /apps/tally/giving`. Its own asset
 * (assets/tally-round-up.js): tally.js is at its size cap and neither block needs it.
 */
import { minorUnitsPerUnit, roundUpAmount, type RoundUpRule } from "../../shared/round-up";
import { esc } from "./tally";

export interface RoundUpConfig {
  cart: string;
  add: string;
  change: string;
  locale: string;
  currency: string;
  rule: RoundUpRule;
  amounts: number[];
  variant: string;
  cause: { id: string; name: string };
  texts: Record<string, string>;
}

/** The Cart AJAX API's cart, as far as the round-up reads it. */
export interface CartJson {
  items: { key: string; variant_id: number; quantity: number; final_line_price: number }[];
}

type Texts = Record<string, string>;
type Box = HTMLElement & { tally?: boolean };

const fill = (text: string | undefined, values: Record<string, string>) =>
  (text || "").replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? "");

/** Minor units of the cart's currency as the shopper's locale writes them. */
export function moneyText(locale: string, currency: string, minor: number): string {
  const amount = minor / minorUnitsPerUnit(currency);
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
  } catch {
    return amount + " " + currency;
  }
}

/** The cart's donation line (the donation variant), if any. */
export const donationLine = (cart: CartJson, variant: string) =>
  cart.items.find((item) => String(item.variant_id) === variant);

/**
 * What the other lines come to, in hundredths as the Cart AJAX API gives prices (even for JPY):
 * the donation never rounds itself, so keeping it in step cannot loop.
 */
export const othersSubtotal = (cart: CartJson, variant: string) =>
  cart.items.reduce((sum, item) => (String(item.variant_id) === variant ? sum : sum + item.final_line_price), 0);

/** The round-up this cart asks for, in minor units of its currency (= the donation line's quantity). */
export function roundUpFor(config: RoundUpConfig, cart: CartJson, fixedUnits = 0): number {
  const unit = minorUnitsPerUnit(config.currency);
  const subtotal = Math.round((othersSubtotal(cart, config.variant) * unit) / 100);
  return roundUpAmount(config.rule, subtotal, unit, fixedUnits);
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url + ".js", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw response;
}

const readCart = (config: RoundUpConfig): Promise<CartJson> =>
  fetch(config.cart + ".js", { headers: { Accept: "application/json" } }).then((r) => r.json());

/** The donation line at `quantity` minor units (0 removes it), added with its cause when missing. */
export function setDonation(config: RoundUpConfig, cart: CartJson, quantity: number): Promise<void> {
  const line = donationLine(cart, config.variant);
  if (line) return line.quantity === quantity ? Promise.resolve() : post(config.change, { id: line.key, quantity });
  if (!quantity) return Promise.resolve();
  return post(config.add, {
    items: [{ id: Number(config.variant), quantity, properties: { _tally_cause: config.cause.id } }],
  });
}

function roundUp(box: HTMLElement) {
  const config = JSON.parse(box.querySelector("script")!.textContent || "{}") as RoundUpConfig;
  const texts: Texts = config.texts;
  const unit = minorUnitsPerUnit(config.currency);
  const body = box.querySelector<HTMLElement>("[data-round-up-body]")!;
  const say = box.querySelector<HTMLElement>("[data-round-up-msg]")!;
  const money = (minor: number) => moneyText(config.locale, config.currency, minor);
  let cart: CartJson = { items: [] };
  let busy = false;
  let again = false;
  // The cart refused to bring the donation along: not again until the shopper's own change (the
  // refused request is a cart change the observer sees, and would otherwise loop).
  let refused = false;

  const render = () => {
    const line = donationLine(cart, config.variant);
    const cause = config.cause.name;
    if (config.rule === "fixed") {
      body.innerHTML =
        `<p>${esc(fill(texts.give, { cause }))}</p><p>` +
        config.amounts
          .map(
            (units) =>
              `<button type="button" class="tally-button" data-units="${units}" aria-pressed="${line ? line.quantity === units * unit : false}">${esc(money(units * unit))}</button> `,
          )
          .join("") +
        "</p>";
    } else {
      const amount = line ? line.quantity : roundUpFor(config, cart);
      body.innerHTML = `<label><input type="checkbox" data-round-up-toggle${line ? " checked" : ""}> ${esc(
        fill(texts.label, { amount: money(amount), cause }),
      )}</label>`;
    }
    box.hidden = !cart.items.some((item) => String(item.variant_id) !== config.variant);
  };

  /** Reads the cart and brings the donation to the round-up it now asks for (a fixed amount stays). */
  const sync = async (): Promise<void> => {
    // A cart change while one is handled is handled after it, never dropped.
    if (busy) return void (again = true);
    busy = true;
    try {
      cart = await readCart(config);
      const line = donationLine(cart, config.variant);
      // A donation left alone in the cart goes too: there is nothing to round up.
      const alone = othersSubtotal(cart, config.variant) === 0 && cart.items.length === 1;
      if (line && !refused && (alone || config.rule !== "fixed")) {
        await setDonation(config, cart, alone ? 0 : roundUpFor(config, cart)).catch((error) => {
          refused = true;
          throw error;
        });
        cart = await readCart(config);
      }
    } catch {
      // The cart unread or refused: it shows as it was read, the next change tries again.
    }
    render();
    settle();
  };
  const settle = () => {
    busy = false;
    if (again) {
      again = false;
      sync();
    }
  };

  const change = async (quantity: number) => {
    busy = true;
    refused = false;
    say.textContent = "";
    // One change at a time: the next one needs the cart this one leaves.
    body.querySelectorAll<HTMLInputElement | HTMLButtonElement>("input,button").forEach((el) => (el.disabled = true));
    try {
      await setDonation(config, cart, quantity);
      cart = await readCart(config);
      document.dispatchEvent(new CustomEvent("tally:cart-updated", { detail: { cart } }));
      // The theme's own cart shows the line once the page reloads (the block's setting).
      if (box.dataset.reload === "true") return location.reload();
    } catch {
      say.textContent = texts.failed || "";
    }
    render();
    settle();
  };

  box.addEventListener("change", (event) => {
    const toggle = event.target as HTMLInputElement;
    if (toggle.matches("[data-round-up-toggle]")) change(toggle.checked ? roundUpFor(config, cart) : 0);
  });
  box.addEventListener("click", (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>("[data-units]");
    if (!button) return;
    // The amount already given takes it back; another replaces it.
    change(button.getAttribute("aria-pressed") === "true" ? 0 : Number(button.dataset.units) * unit);
  });
  // The theme changes the cart with the Cart AJAX API: after each such request, the round-up follows.
  if (typeof PerformanceObserver !== "undefined")
    new PerformanceObserver((list) => {
      if (list.getEntries().some((entry) => /\/cart\/(add|change|update|clear)(\.js)?(\?|$)/.test(entry.name))) sync();
    }).observe({ type: "resource" });
  sync();
}

/** The running total per cause: "Together we gave €1,240.00 to Ocean Cleanup". */
export interface GivingTotals {
  causes: { id: string; name: string; totalCents: number; currencyCode: string }[];
}

export const totalsHtml = (locale: string, text: string, totals: GivingTotals) =>
  totals.causes
    .filter((cause) => cause.totalCents > 0)
    .map(
      (cause) =>
        `<p>${esc(fill(text, { amount: moneyText(locale, cause.currencyCode, cause.totalCents), cause: cause.name }))}</p>`,
    )
    .join("");

function givingTotal(box: HTMLElement) {
  const config = JSON.parse(box.querySelector("script")!.textContent || "{}") as {
    url: string;
    locale: string;
    text: string;
  };
  fetch(config.url, { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : { causes: [] }))
    .then((totals: GivingTotals) => {
      const html = totalsHtml(config.locale, config.text, totals);
      box.querySelector("[data-giving-body]")!.innerHTML = html;
      box.hidden = !html;
    })
    .catch(() => {});
}

/** Wires every round-up and total block on the page, once each. */
export function bootGiving(doc: Document = document) {
  doc.querySelectorAll<Box>("[data-tally-round-up],[data-tally-giving]").forEach((box) => {
    if (box.tally) return;
    box.tally = true;
    if (box.hasAttribute("data-tally-round-up")) roundUp(box);
    else givingTotal(box);
  });
}
