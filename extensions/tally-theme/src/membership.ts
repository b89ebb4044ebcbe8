/**
 * The paid membership, in the launcher's panel and the account block (docs/membership.md): a guest
 * or a shopper not paying sees the offer ("Join Club for €79.00/year: 2× points, free shipping")
 * with a button that puts the plan's variant in the cart (Cart AJAX `POST /cart/add.js`) and goes
 * to the cart; a paying member their status, renewal date ("Renews on …", "Ends on …") and savings
 * so far. The Liquid snippet `tally-membership` gives an empty box with its texts and the cart's
 * routes (JSON: tally-config is shared by every block); this script fills it from `GET /apps/tally/member` (`membership`,
 * `program.membership`), sharing tally.js's one request. Its own asset (assets/tally-membership.js),
 * loaded only when the theme's copy of the program says there is a membership to sell: tally.js is
 * at its 10,000-byte cap.
 */
import type { Membership, MembershipOffer, MembershipPlan } from "../../shared/tally-api";
import { esc, on, pointsText, proxyBase, readConfig, type Config } from "./tally";

// The member API's parts this box reads, as the customer account reads them too (types only: nothing is bundled).
export interface MembershipView {
  loggedIn: boolean;
  membership?: Membership | null;
  program?: { enabled?: boolean; membership?: MembershipOffer | null };
}

type Texts = Record<string, string>;
type Loader = (config: Config, fresh?: boolean) => Promise<MembershipView>;
type Box = HTMLElement & { tally?: boolean };

const member: Loader = (config, fresh) =>
  (document as Document & { tally?: Loader }).tally
    ? (document as Document & { tally: Loader }).tally(config, fresh)
    : fetch(proxyBase(config) + "/member", { headers: { Accept: "application/json" } }).then((r) => r.json());

/** A text with its `{name}` placeholders filled, as plain text (escaped where it becomes HTML). */
const fill = (texts: Texts, key: string, values: Record<string, unknown> = {}) =>
  (texts[key] || "").replace(/\{(\w+)\}/g, (_, name: string) => (name in values ? String(values[name]) : ""));

/** An amount of the shop's currency (Shopify's decimal text), as the shopper's locale writes it. */
export function moneyText(config: Config, amount: string, currency: string | null): string {
  try {
    if (currency) return new Intl.NumberFormat(config.locale, { style: "currency", currency }).format(Number(amount));
  } catch {
    // An unknown locale or currency: the amount as Shopify wrote it.
  }
  return currency ? amount + " " + currency : amount;
}

function dayText(config: Config, iso: string): string {
  try {
    return new Intl.DateTimeFormat(config.locale, { dateStyle: "medium" }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}

/** "€79.00/year", "€25.00 every 3 months". */
export const priceText = (config: Config, texts: Texts, plan: MembershipPlan) =>
  fill(texts, "per_" + plan.interval + (plan.intervalCount > 1 ? "s" : ""), {
    price: moneyText(config, plan.price, plan.currencyCode),
    count: plan.intervalCount,
  });

/** "2× points, free shipping, 100 points when you join". */
export function perksText(config: Config, texts: Texts, offer: MembershipOffer): string {
  const perks: string[] = [];
  const { earnMultiplier, discounts, joinBonusPoints } = offer.perks;
  if (earnMultiplier > 1)
    perks.push(fill(texts, "perk_points", { multiplier: earnMultiplier.toLocaleString(config.locale) }));
  for (const perk of discounts) {
    if (perk.type === "percentage_off")
      perks.push(
        fill(texts, perk.collectionIds.length ? "perk_percentage_some" : "perk_percentage", {
          percentage: perk.percentage.toLocaleString(config.locale),
        }),
      );
    else if (perk.minimumSubtotal === null) perks.push(fill(texts, "perk_free_shipping"));
    else
      perks.push(
        fill(texts, "perk_free_shipping_over", {
          amount: moneyText(config, perk.minimumSubtotal.toFixed(2), perk.currencyCode),
        }),
      );
  }
  if (joinBonusPoints > 0) perks.push(fill(texts, "perk_join_bonus", { points: pointsText(config, joinBonusPoints) }));
  return perks.join(", ");
}

/** The offer: a line and a button per plan. */
export function offerHtml(config: Config, texts: Texts, offer: MembershipOffer): string {
  const perks = perksText(config, texts, offer);
  return offer.plans
    .map((plan) => {
      const price = priceText(config, texts, plan);
      const name = offer.plans.length > 1 ? offer.name + " · " + plan.name : offer.name;
      return (
        `<p data-plan="${esc(plan.id)}">${esc(fill(texts, perks ? "join" : "join_plain", { name, price, perks }))}</p>` +
        `<p><button type="button" class="tally-button" data-variant="${esc(plan.variantId)}">${esc(fill(texts, "add"))}</button></p>`
      );
    })
    .join("");
}

/** A paying member: who they are, when it renews (or ends), what it saved them. */
export function statusHtml(config: Config, texts: Texts, membership: Membership, name: string): string {
  const date = dayText(config, membership.paidThrough);
  const when = membership.status === "grace" ? "grace" : membership.autoRenews ? "renews" : "ends";
  const { points, discount } = membership.savings;
  const saved =
    Number(discount.amount) > 0 || points > 0
      ? `<p data-savings>${esc(
          fill(texts, "savings", {
            amount: moneyText(config, discount.amount, discount.currencyCode),
            points: pointsText(config, points),
          }),
        )}</p>`
      : "";
  return (
    `<p><strong>${esc(fill(texts, "member", { name, plan: membership.planName }))}</strong></p>` +
    `<p class="tally-muted" data-renewal>${esc(fill(texts, when, { date }))}</p>` +
    saved
  );
}

/** What the box shows for this answer; "" when there is nothing (no offer, program off). */
export function membershipHtml(config: Config, texts: Texts, view: MembershipView): string {
  const offer = (view.program && view.program.membership) || null;
  const paid = view.loggedIn ? view.membership || null : null;
  if (view.program && view.program.enabled === false) return "";
  if (paid && paid.active) return statusHtml(config, texts, paid, offer ? offer.name : paid.planName);
  return offer ? offerHtml(config, texts, offer) : "";
}

/** Cart AJAX: the plan's variant in the cart; true when the cart took it. */
export async function addToCart(cartAdd: string, variantId: string): Promise<boolean> {
  try {
    const response = await fetch(cartAdd + ".js", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ items: [{ id: Number(variantId), quantity: 1 }] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

function membership(box: HTMLElement, config: Config) {
  const root = box.closest<HTMLElement>(".tally-root")!;
  const texts = JSON.parse(box.querySelector("script")!.textContent || "{}") as Texts;
  const body = box.querySelector<HTMLElement>("[data-membership-body]")!;
  const say = box.querySelector<HTMLElement>("[data-membership-msg]")!;
  const render = () =>
    member(config).then(
      (view) => {
        const html = membershipHtml(config, texts, view);
        body.innerHTML = html;
        box.hidden = !html;
      },
      () => {},
    );
  on(box, "click", async (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>("[data-variant]");
    if (!button) return;
    button.disabled = true;
    say.textContent = fill(texts, "adding");
    if (await addToCart(texts.cart_add || "/cart/add", button.dataset.variant!)) {
      location.href = texts.cart || "/cart";
      return;
    }
    say.textContent = fill(texts, "add_failed");
    button.disabled = false;
  });
  // In the launcher, once its panel opens; elsewhere at once.
  const button = root.querySelector(".tally-launcher__button");
  if (button) on(button, "click", () => render());
  else render();
}

/** Wires every membership box on the page, once each. */
export function bootMembership(doc: Document = document) {
  doc.querySelectorAll<Box>("[data-tally-membership]").forEach((box) => {
    if (box.tally) return;
    box.tally = true;
    membership(box, readConfig(box.closest<HTMLElement>(".tally-root")!).config);
  });
}
