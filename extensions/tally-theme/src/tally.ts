/**
 * Tally on the storefront: the launcher (app embed) and the account, product and cart blocks.
 * One small script for all of them, plain DOM, no framework. Built into ../assets/tally.js by
 * scripts/build-theme-extension.ts (ES2019, minified); Shopify loads it deferred once per page.
 *
 * Every request goes through the App Proxy (`/apps/tally/...`): Shopify adds the signed-in
 * customer itself, so nothing here ever names a customer.
 *
 * The built file sits at Theme Check's 10,000-byte cap: comparisons are `==` where both sides are
 * of one type (a byte each), and the blocks are wired through one table.
 */

export type Rounding = "floor" | "round" | "ceil";

export interface Earning {
  pointsPerCurrencyUnit: number;
  rounding?: Rounding;
  minimumSubtotal: number;
  bonusMultiplier?: number;
  /** Tier id → the multiplier on orders paid while in that tier. */
  tierMultipliers?: Record<string, number>;
  signupPoints?: number;
  birthdayPoints?: number;
  actions?: { key: string; name: string; points: number }[];
}

export interface Reward {
  id: string;
  name: string;
  type: string;
  pointsCost: number;
  available?: boolean;
}

/** What a referral gives each side; null when the referral program is off. */
export interface ReferralOffer {
  friendOffer:
    { type: "percentage"; percentage: number } | { type: "fixed_amount"; amount: number } | { type: "free_shipping" };
  referrerReward: { type: "points"; points: number } | { type: "reward"; name: string };
  minimumOrder: number;
  attributionDays: number;
}

export interface PublicProgram {
  enabled?: boolean;
  earning: Earning;
  rewards: Reward[];
  referrals?: ReferralOffer | null;
}

export interface Redemption {
  id: string;
  code: string | null;
  pointsSpent: number;
  status: string;
  expiresAt: string;
}

export interface Member {
  loggedIn: true;
  points: { balance: number; pending: number; expiringNext: { points: number; at: string } | null };
  tier: { id: string; name: string } | null;
  rewards: Reward[];
  redemptions: Redemption[];
  /** The member's referral link (`path` is `/apps/tally/r/<code>`); null when referrals are off. */
  referral?: { code: string; path: string } | null;
  program?: PublicProgram;
}

export type MemberView = Member | { loggedIn: false; program: PublicProgram };

export interface ProductFacts {
  id?: string | number | null;
  type?: string | null;
  tags?: string[];
  collections?: (string | number)[];
}

/** What the Liquid renders into each block (`<script type="application/json" data-tally-config>`). */
export interface Config {
  /** `routes.root_url`: "/" or a locale prefix such as "/fr". */
  root: string;
  cart: string;
  cartUpdate: string;
  login: string;
  register: string;
  locale: string;
  currency: string;
  strings: Record<string, string>;
}

type Block = HTMLElement & { tally?: boolean };

// ---------------------------------------------------------------------------------------------
// Points for a price: the server's arithmetic (app/loyalty/points/earning.ts), in exact integers
// (a multiplier in thousandths, the rate in millionths) rounded once as the program says; then the
// tier's multiplier, rounded to the nearest point, as an order's points are awarded.

/** n / d rounded as the program says; halves round up. No bigint literals: the build targets ES2019. */
const divide = (n: bigint, d: bigint, rounding?: Rounding): bigint =>
  rounding == "ceil" ? (n + d - big(1)) / d : rounding == "round" ? (n + n + d) / (d + d) : n / d;

const big = (value: number, scale = 1) => BigInt(Math.round(value * scale));

/**
 * The points a product earns at this price (in cents, as Liquid renders prices), by the
 * program's rate, product rules, running bonus and the member's tier. `belowMinimum`: alone it
 * would not reach the order minimum (it still earns within a larger order).
 */
export function pointsForPrice(
  program: PublicProgram,
  cents: number,
  productMultiplier = 1,
  tierId: string | null = null,
): { points: number; belowMinimum: boolean } {
  const e = program.earning;
  if (program.enabled == false || !(cents > 0)) return { points: 0, belowMinimum: false };
  const tier = (tierId && e.tierMultipliers && e.tierMultipliers[tierId]) || 1;
  const weighted =
    big(cents) * big(productMultiplier, 1e3) * big(e.pointsPerCurrencyUnit, 1e6) * big(e.bonusMultiplier || 1, 1e3);
  return {
    points: Number(divide(divide(weighted, big(1e14), e.rounding) * big(tier, 1e3), big(1e3), "round")),
    belowMinimum: cents < Math.round((e.minimumSubtotal || 0) * 100),
  };
}

// ---------------------------------------------------------------------------------------------
// Text

export const esc = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");

/** A string from the locale file with `{name}` placeholders filled, as plain text (for another string's placeholder). */
const phrase = (config: Config, key: string, values: Record<string, unknown> = {}): string =>
  (config.strings[key] || key).replace(/\{(\w+)\}/g, (_, name: string) =>
    name in values ? (values[name] as string) : "",
  );

/** A string from the locale file with `{name}` placeholders filled, as HTML (escaped once). */
export const tr = (config: Config, key: string, values?: Record<string, unknown>): string =>
  esc(phrase(config, key, values));

/** 1,234 in English, 1 234 in French: the shopper's digit grouping. */
const number = (config: Config, n: number) => n.toLocaleString(config.locale);

/**
 * "1 point", "2 points", "0 point" in French, "2 ポイント" in Japanese: the form for n's CLDR plural
 * category in the shopper's language (the Liquid passes one for each category, "other" where the
 * language has none).
 */
export const pointsText = (config: Config, n: number) =>
  phrase(config, "points_" + new Intl.PluralRules(config.locale).select(n), { n: number(config, n) });
const pts = (config: Config, n: number) => esc(pointsText(config, n));
/** A string whose `{points}` is a number of points. */
const trPoints = (config: Config, key: string, n: number) => tr(config, key, { points: pointsText(config, n) });

/** Intl formatting (or Shopify's currency), or a plain fallback when the browser or page has none. */
function intl<T>(format: () => T, fallback: T): T {
  try {
    return format();
  } catch {
    return fallback;
  }
}
declare const Shopify: { currency: { rate: string } };

/** The shopper's currency per unit of the shop's: Shopify's rate on the page, 1 when they are the same. */
const currencyRate = () => +intl(() => Shopify.currency.rate, "1") || 1;

/**
 * An amount of the program (in the shop's currency) in the shopper's currency, as Shopify converts
 * a discount or an order minimum: at its rate, rounded once (half up) to the currency's smallest
 * unit (cents, whole yen) by Intl. Shopify's rounding rules are for product prices and shipping only.
 */
const money = (config: Config, amount: number) =>
  intl(
    () =>
      new Intl.NumberFormat(config.locale, { style: "currency", currency: config.currency }).format(
        amount * currencyRate(),
      ),
    amount.toFixed(2),
  );
const day = (config: Config, iso: string) =>
  intl(() => new Intl.DateTimeFormat(config.locale, { dateStyle: "medium" }).format(new Date(iso)), iso.slice(0, 10));

// ---------------------------------------------------------------------------------------------
// The App Proxy and the cart

/** Named once: the minifier does not merge repeated strings (the script has a 10,000-byte budget). */
const JSON_TYPE = "application/json";

export const proxyBase = (config: Config) => config.root.replace(/\/?$/, "/") + "apps/tally";

async function getJson(url: string) {
  const response = await fetch(url, { headers: { Accept: JSON_TYPE } });
  // The answer itself: its callers only need to know it failed.
  if (!response.ok) throw response;
  return response.json();
}

let memberRequest: Promise<MemberView> | null = null;

/**
 * GET /apps/tally/product-multiplier: what the program's product rules make of this product. The
 * rules themselves stay on the server (they can be hundreds).
 */
export async function loadProductMultiplier(config: Config, product: ProductFacts): Promise<number> {
  const query = new URLSearchParams();
  if (product.id != null) query.set("product_id", "" + product.id);
  if (product.type) query.set("type", product.type);
  for (const tag of product.tags || []) query.append("tag", tag);
  for (const collection of product.collections || []) query.append("collection", "" + collection);
  const { multiplier } = await getJson(proxyBase(config) + "/product-multiplier?" + query);
  return +multiplier;
}

/** GET /apps/tally/member, once per page unless `fresh`. */
export function loadMember(config: Config, fresh = false): Promise<MemberView> {
  if (!memberRequest || fresh) {
    memberRequest = getJson(proxyBase(config) + "/member");
    memberRequest.catch(() => (memberRequest = null));
  }
  return memberRequest;
}

const JSON_BODY = { "Content-Type": JSON_TYPE };

// randomUUID: every browser since 2022; a time and random number are unique enough before that.
const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : Date.now() + "-" + Math.random());

export type RedeemResult =
  | { ok: true; redemption: Redemption }
  | { ok: false; error: string; status: number; balance?: number; pointsNeeded?: number };

/** Idempotency keys of redemptions whose answer never arrived: a retry reuses the key. */
const unanswered: Record<string, string> = {};

/** POST /apps/tally/redemptions with an Idempotency-Key, so a retry never spends twice. */
export async function redeem(config: Config, reward: Reward): Promise<RedeemResult> {
  const key = (unanswered[reward.id] = unanswered[reward.id] || newKey());
  let response: Response;
  try {
    response = await fetch(proxyBase(config) + "/redemptions", {
      method: "POST",
      headers: { ...JSON_BODY, "Idempotency-Key": key },
      // The points the offer names: what a variable or store credit reward converts (others ignore them).
      body: JSON.stringify({ rewardId: reward.id, points: reward.pointsCost }),
    });
  } catch {
    return { ok: false, error: "network", status: 0 };
  }
  delete unanswered[reward.id];
  const data = await response.json().catch(() => ({}));
  if (response.ok && data.redemption) return { ok: true, redemption: data.redemption };
  return {
    ...data,
    ok: false,
    status: response.status,
    error: response.status == 401 ? "not_logged_in" : data.error || "unknown",
  };
}

/**
 * Adds the code to the cart's discount codes through the Cart AJAX API
 * (`POST /cart/update.js` with `discount`, a comma-separated list that replaces the cart's
 * codes, so the codes already there are kept). True when the cart took it as applicable.
 */
export async function applyCode(config: Config, code: string): Promise<boolean> {
  let codes: string[] = [];
  try {
    const cart = await getJson(config.cart + ".js");
    codes = (cart.discount_codes || []).map((d: { code: string }) => d.code);
  } catch {
    // An unreadable cart still gets the code.
  }
  const same = (c: string) => c.toUpperCase() == code.toUpperCase();
  try {
    const response = await fetch(config.cartUpdate + ".js", {
      method: "POST",
      headers: JSON_BODY,
      body: JSON.stringify({
        discount: codes
          .filter((c) => !same(c))
          .concat(code)
          .join(","),
      }),
    });
    if (!response.ok) return false;
    const cart = await response.json();
    const applied = (cart.discount_codes || []).find((d: { code: string }) => same(d.code));
    if (!applied || applied.applicable == false) return false;
    document.dispatchEvent(new CustomEvent("tally:cart-updated", { detail: { code, cart } }));
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering (HTML strings; every value from the server is escaped)

/** `error_<code>` from the locale file; a shopper who is not signed in also gets the link. */
export function errorMessage(config: Config, result: Extract<RedeemResult, { ok: false }>): string {
  const code = config.strings["error_" + result.error] ? result.error : "generic";
  // Only insufficient_points has (and says) the two counts.
  const text = tr(config, "error_" + code, {
    needed: pointsText(config, result.pointsNeeded || 0),
    balance: pointsText(config, result.balance || 0),
  });
  return code == "not_logged_in" ? text + " " + signIn(config) : text;
}

const signIn = (config: Config) => `<a href="${esc(config.login)}">${tr(config, "sign_in")}</a>`;
const failed = (config: Config) => `<p class="tally-msg tally-msg--error">${tr(config, "error_load")}</p>`;
const guestPrompt = (config: Config) => `<p>${tr(config, "cart_guest")} ${signIn(config)}</p>`;

const list = (config: Config, title: string, items: string) =>
  items ? `<h3>${tr(config, title)}</h3><ul class="tally-list">${items}</ul>` : "";
const muted = (html: string) => `<span class="tally-muted">${html}</span>`;

/** A button that never submits the form around it (the cart block can sit inside the theme's cart form). */
const buttonHtml = (attributes: string, label: string) =>
  `<button type="button" class="tally-button" ${attributes}>${label}</button>`;

const codeHtml = (config: Config, code: string) =>
  `<code class="tally-code">${esc(code)}</code> <button type="button" class="tally-link" data-copy="${esc(code)}">${tr(config, "copy")}</button>`;

/** "10% off", "$5.00 off", "free shipping": the friend's side of a referral, as plain text. */
export const friendOffer = (config: Config, offer: ReferralOffer["friendOffer"]) =>
  phrase(config, "offer_" + offer.type, {
    percentage: offer.type == "percentage" && number(config, offer.percentage),
    amount: offer.type == "fixed_amount" && money(config, offer.amount),
  });

/** "How to earn": the rate, sign-up and birthday points, the program's actions. */
function howToEarn(config: Config, e: Earning): string {
  const ways = [
    tr(config, "earn_rate", { points: pointsText(config, e.pointsPerCurrencyUnit), amount: money(config, 1) }),
  ];
  if (e.signupPoints) ways.push(trPoints(config, "earn_signup", e.signupPoints));
  if (e.birthdayPoints) ways.push(trPoints(config, "earn_birthday", e.birthdayPoints));
  for (const action of e.actions || []) ways.push(`${esc(action.name)}: ${pts(config, action.points)}`);
  return list(config, "how_to_earn", ways.map((w) => `<li>${w}</li>`).join(""));
}

export function renderGuest(config: Config, program: PublicProgram): string {
  const rewards = program.rewards
    .map((r) => `<li><span>${esc(r.name)}</span><span>${pts(config, r.pointsCost)}</span></li>`)
    .join("");
  return (
    howToEarn(config, program.earning) +
    list(config, "rewards", rewards) +
    `<p class="tally-actions"><a class="tally-button" href="${esc(config.register)}">${tr(config, "join")}</a>` +
    ` ${signIn(config)}</p>`
  );
}

export function renderSummary(config: Config, member: Member): string {
  const p = member.points;
  let html = `<p class="tally-balance"><strong>${pts(config, p.balance)}</strong>`;
  if (member.tier) html += ` <span class="tally-tier">${tr(config, "tier", { tier: member.tier.name })}</span>`;
  html += "</p>";
  if (p.pending) html += `<p class="tally-muted">${trPoints(config, "pending", p.pending)}</p>`;
  if (p.expiringNext) {
    html += `<p class="tally-muted">${tr(config, "expiring", { points: pointsText(config, p.expiringNext.points), date: day(config, p.expiringNext.at) })}</p>`;
  }
  return html;
}

export function renderMember(config: Config, member: Member): string {
  const rewards = member.rewards
    .map((r) => {
      const action = r.available
        ? buttonHtml(`data-redeem="${esc(r.id)}"`, trPoints(config, "redeem_for", r.pointsCost))
        : muted(
            member.points.balance < r.pointsCost
              ? trPoints(config, "points_to_go", r.pointsCost - member.points.balance)
              : tr(config, "not_available"),
          );
      return `<li><span>${esc(r.name)}</span>${action}</li>`;
    })
    .join("");
  const codes = member.redemptions
    .filter((r) => r.code && (r.status == "active" || r.status == "pending"))
    .map(
      (r) =>
        `<li><span>${codeHtml(config, r.code!)}</span>${muted(
          r.status == "pending"
            ? tr(config, "code_pending")
            : tr(config, "code_until", { date: day(config, r.expiresAt) }),
        )}</li>`,
    )
    .join("");
  // A member with nothing to spend yet learns how to get there.
  const earn =
    member.program && !member.rewards.some((r) => r.available) ? howToEarn(config, member.program.earning) : "";
  return renderSummary(config, member) + list(config, "rewards", rewards) + earn + list(config, "your_codes", codes);
}

// ---------------------------------------------------------------------------------------------
// Blocks

export function readConfig(root: HTMLElement): { config: Config; block: Record<string, unknown> } {
  const json = (selector: string) => {
    const node = root.querySelector(selector);
    return node ? JSON.parse(node.textContent || "{}") : {};
  };
  return { config: json("script[data-tally-config]"), block: json("script[data-tally-block]") };
}

/** For requests whose failure the shopper does not need to hear about (a prefetch, a refresh). */
const ignore = () => {};

export const on = (
  target: EventTarget,
  type: string,
  listener: (event: Event) => void,
  options?: AddEventListenerOptions,
) => target.addEventListener(type, listener, options);

/** `tally:<block>` in the page's performance timeline each time a block shows its data. */
export const mark = (name: string) => performance.mark("tally:" + name);

const part = (root: HTMLElement, name: string) => root.querySelector<HTMLElement>(`[data-tally-${name}]`)!;

function say(root: HTMLElement, html: string, kind: "ok" | "error" | "" = "") {
  const box = part(root, "msg");
  box.className = "tally-msg" + (kind ? " tally-msg--" + kind : "");
  box.innerHTML = html;
}

/**
 * Redeem, show the code, apply it to the cart; the code stays on screen whatever happens next. In a
 * block that lists the member's codes (`listed`), the last message leaves the code to that list.
 */
async function redeemAndApply(
  root: HTMLElement,
  config: Config,
  reward: Reward,
  button?: HTMLButtonElement | null,
  listed?: boolean,
) {
  if (button) button.disabled = true;
  say(root, tr(config, "redeeming"));
  const result = await redeem(config, reward);
  if (!result.ok) {
    say(root, errorMessage(config, result), "error");
    if (button) button.disabled = false;
    if (result.error == "insufficient_points") loadMember(config, true).catch(ignore);
    return null;
  }
  const code = result.redemption.code;
  // Store credit has no code: Shopify applies it at checkout.
  say(root, code ? tr(config, "code_ready") + " " + codeHtml(config, code) : tr(config, "credited"), "ok");
  const applied = code && result.redemption.status == "active" && (await applyCode(config, code));
  if (code)
    say(
      root,
      tr(config, applied ? "code_applied" : "code_paste") + (listed ? "" : " " + codeHtml(config, code)),
      applied ? "ok" : "error",
    );
  loadMember(config, true).catch(ignore);
  return { code, applied };
}

/** Copy buttons (a code on the button, else the field beside it) and the Share button (the field beside it). */
function onCopy(event: Event) {
  const target = (event.target as HTMLElement).closest<HTMLElement>("[data-copy],[data-tally-share]");
  if (!target) return;
  const field = target.parentElement!.querySelector("input");
  const text = target.dataset.copy || field!.value;
  if (target.hasAttribute("data-tally-share")) {
    navigator.share({ url: text }).catch(ignore);
    return;
  }
  // No clipboard API (a page on http, an older browser) or refused: select the field and copy the old way.
  const selectAndCopy = () => {
    if (field) {
      field.select();
      document.execCommand("copy");
    }
  };
  try {
    navigator.clipboard.writeText(text).catch(selectAndCopy);
  } catch {
    selectAndCopy();
  }
}

/**
 * "Refer a friend" (its markup is the embed's Liquid): what each side gets, the member's link to
 * copy, and Share where the browser has a share sheet. Hidden while referrals are off.
 */
export function showReferral(root: HTMLElement, config: Config, member: Member) {
  const sheet = part(root, "refer");
  const offer = member.program && member.program.referrals;
  if (!sheet) return;
  sheet.hidden = !member.referral || !offer;
  if (sheet.hidden) return;
  const reward = offer!.referrerReward;
  part(root, "refer-text").innerHTML = tr(config, "refer_text", {
    offer: friendOffer(config, offer!.friendOffer),
    reward: reward.type == "points" ? pointsText(config, reward.points) : reward.name,
  });
  // routes.root_url keeps a locale prefix, under which the App Proxy answers too.
  (part(root, "refer-link") as HTMLInputElement).value =
    location.origin + config.root.replace(/\/$/, "") + member.referral!.path;
  part(root, "share").hidden = !navigator.share;
}

function launcher(root: HTMLElement, config: Config) {
  const button = root.querySelector<HTMLButtonElement>(".tally-launcher__button")!;
  const panel = root.querySelector<HTMLElement>(".tally-panel")!;
  const body = part(root, "body");
  let member: Member | null = null;

  const render = (fresh = false) =>
    loadMember(config, fresh).then(
      (view) => {
        member = view.loggedIn ? view : null;
        if (member) showReferral(root, config, member);
        body.innerHTML = view.loggedIn ? renderMember(config, view) : renderGuest(config, view.program);
        mark("launcher");
      },
      () => (body.innerHTML = failed(config)),
    );
  const toggle = (open: boolean) => {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", "" + open);
    if (open) render();
  };
  on(button, "click", () => toggle(panel.hidden));
  // Start the request as soon as the shopper shows interest, before the click lands.
  on(button, "pointerenter", () => loadMember(config).catch(ignore), { once: true });
  const close = () => {
    toggle(false);
    button.focus();
  };
  on(root.querySelector(".tally-close")!, "click", close);
  on(root, "keydown", (event) => {
    if ((event as KeyboardEvent).key == "Escape" && !panel.hidden) close();
  });
  on(panel, "click", async (event) => {
    onCopy(event);
    const target = (event.target as HTMLElement).closest<HTMLButtonElement>("[data-redeem]");
    const reward = target && member && member.rewards.find((r) => r.id == target.dataset.redeem);
    if (!reward) return;
    const done = await redeemAndApply(root, config, reward, target, true);
    if (done) await render();
  });
}

function productBlock(root: HTMLElement, config: Config, block: Record<string, unknown>) {
  const product = (block.product || {}) as ProductFacts;
  const variants = (block.variants || {}) as Record<string, number>;
  let cents = Number(block.price);
  const text = part(root, "body");
  let view: MemberView | null = null;
  let multiplier: number | null = null;
  const clear = () => (text.innerHTML = "");

  const render = () => {
    const program = view && view.program;
    if (!program || multiplier == null) return;
    mark("product");
    // Liquid gives the price in the shopper's currency; points are earned on the shop's.
    const { points, belowMinimum } = pointsForPrice(
      program,
      cents / currencyRate(),
      multiplier,
      view!.loggedIn && view!.tier ? view!.tier.id : null,
    );
    text.innerHTML = !points
      ? ""
      : tr(config, belowMinimum ? "earn_product_minimum" : "earn_product", {
          points: pointsText(config, points),
          minimum: money(config, program.earning.minimumSubtotal),
        });
  };
  loadMember(config).then((v) => {
    view = v;
    render();
  }, clear);
  loadProductMultiplier(config, product).then((m) => {
    multiplier = m;
    render();
  }, clear);
  // The theme's variant picker changes the product form's `id`.
  on(document, "change", (event) => {
    const input = event.target as HTMLInputElement;
    if (input.name != "id" || !input.form || !/\/cart\/add/.test(input.form.action)) return;
    if (variants[input.value] != null) {
      cents = variants[input.value]!;
      render();
    }
  });
}

function cartBlock(root: HTMLElement, config: Config) {
  const body = part(root, "body");
  let member: Member | null = null;
  const render = () =>
    loadMember(config).then(
      (view) => {
        if (!view.loggedIn) {
          body.innerHTML = guestPrompt(config);
          return;
        }
        member = view;
        mark("cart");
        const affordable = view.rewards.filter((r) => r.available);
        const options = affordable
          .map((r) => `<option value="${esc(r.id)}">${esc(r.name)} (${pts(config, r.pointsCost)})</option>`)
          .join("");
        body.innerHTML =
          `<p>${trPoints(config, "cart_balance", view.points.balance)}</p>` +
          (affordable.length
            ? `<div class="tally-row"><select class="tally-select" aria-label="${tr(config, "choose_reward")}">${options}</select>` +
              buttonHtml("data-use", tr(config, "use_points")) +
              "</div>"
            : `<p class="tally-muted">${tr(config, "cart_none")}</p>`);
      },
      () => (body.innerHTML = failed(config)),
    );
  render();
  on(root, "click", async (event) => {
    onCopy(event);
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>("[data-use]");
    const select = root.querySelector<HTMLSelectElement>(".tally-select");
    const reward = button && select && member && member.rewards.find((r) => r.id == select.value);
    if (!reward) return;
    const done = await redeemAndApply(root, config, reward, button);
    if (done && done.applied && root.dataset.reload == "true") location.reload();
    else await render();
  });
}

function accountBlock(root: HTMLElement, config: Config) {
  const summary = part(root, "body");
  const list = part(root, "activity");
  const more = root.querySelector<HTMLButtonElement>("[data-more]")!;
  let cursor: string | null = null;

  loadMember(config).then(
    (view) => {
      mark("account");
      summary.innerHTML = view.loggedIn ? renderSummary(config, view) : guestPrompt(config);
      if (view.loggedIn) page();
    },
    () => (summary.innerHTML = failed(config)),
  );
  async function page() {
    more.hidden = true;
    try {
      const data = await getJson(
        proxyBase(config) + "/member/activity" + (cursor ? "?cursor=" + encodeURIComponent(cursor) : ""),
      );
      const rows = (data.entries as { at: string; points: number; pending: boolean; description: string }[])
        .map(
          (e) =>
            `<li><span>${esc(e.description)}<br>${muted(day(config, e.at) + (e.pending ? " · " + tr(config, "pending_short") : ""))}</span>` +
            `<strong class="tally-${e.points < 0 ? "minus" : "plus"}">${e.points > 0 ? "+" : ""}${number(config, e.points)}</strong></li>`,
        )
        .join("");
      if (cursor) list.insertAdjacentHTML("beforeend", rows);
      else list.innerHTML = rows || `<li class="tally-muted">${tr(config, "no_activity")}</li>`;
      cursor = data.nextCursor;
      more.hidden = !cursor;
    } catch {
      list.innerHTML = `<li>${failed(config)}</li>`;
    }
  }
  on(more, "click", page);
}

/** Wires every Tally block on the page (once each), or those `only` selects (`=launcher`). */
export function boot(doc: Document = document, only = "") {
  doc.querySelectorAll<Block>(`[data-tally${only}]`).forEach((root) => {
    if (root.tally) return;
    root.tally = true;
    const { config, block } = readConfig(root);
    const wire: Record<string, typeof productBlock> = {
      launcher,
      product: productBlock,
      cart: cartBlock,
      account: accountBlock,
    };
    (wire[root.dataset.tally!] || ignore)(root, config, block);
  });
}

/** Tests start each case from a clean page. */
export function reset() {
  memberRequest = null;
  for (const key of Object.keys(unanswered)) delete unanswered[key];
}
