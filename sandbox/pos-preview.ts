import { readFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { entryFor, uiExtensions } from "../scripts/build-extensions";
import { SHOPPER_LANGUAGES } from "../app/languages";
import { requireSandbox } from "./storefront/preview";
import { mintSessionToken } from "./signing";

/*
 * Shopify POS for `npm run demo`: the POS extension's real bundle (extensions/tally-pos, built
 * with the CLI's esbuild options) in frames that play the POS host — the `shopify` global of each
 * target (session token, cart, customer, action, toast, i18n) and stand-ins for the Polaris
 * elements POS renders natively. Its requests reach the local app with POS session tokens minted
 * for the sandbox shop as Shopify signs them. Sandbox only: 404 unless TALLY_SANDBOX_SHOP is set.
 */

export const POS_PREVIEW_PATH = "/sandbox/pos";
/** The Shopify user logged into the sandbox POS (the token's `sub`), the staff member pinned in and the store. */
const SANDBOX_POS = { userId: 81000001, staffMemberId: 5001, locationId: 64000001 };
const TOKEN_TTL_SECONDS = 8 * 60 * 60;
const POS_TARGETS = [
  "pos.home.tile.render",
  "pos.home.modal.render",
  "pos.customer-details.block.render",
  "pos.customer-details.action.menu-item.render",
  "pos.customer-details.action.render",
] as const;
type PosTarget = (typeof POS_TARGETS)[number];

const escapeHtml = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
/** JSON inside a <script>: no `</script>` can end it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

const bundles = new Map<string, Promise<string>>();

/** `/sandbox/pos/tally-pos.js`: the extension as the CLI would bundle it, calling this app. Built once per origin. */
export async function posBundle(request: Request): Promise<Response> {
  requireSandbox();
  const origin = new URL(request.url).origin;
  if (!bundles.has(origin)) {
    const built = (async () => {
      const extension = (await uiExtensions()).find((e) => e.handle === "tally-pos")!;
      const result = await build({
        stdin: { contents: entryFor(extension), resolveDir: extension.directory, loader: "tsx" },
        bundle: true,
        write: false,
        define: { "process.env.NODE_ENV": JSON.stringify("production"), "process.env.APP_URL": JSON.stringify(origin) },
        jsx: "automatic",
        minify: true,
        target: "es2020",
        logLevel: "error",
      });
      return result.outputFiles[0]!.text;
    })();
    built.catch(() => bundles.delete(origin));
    bundles.set(origin, built);
  }
  return new Response(await bundles.get(origin)!, {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" },
  });
}

const customerOf = (url: URL) => {
  const id = url.searchParams.get("customer");
  return id && /^[1-9][0-9]{0,19}$/.test(id) ? Number(id) : null;
};
const localeOf = (url: URL) => {
  const locale = url.searchParams.get("locale") ?? "en";
  return (SHOPPER_LANGUAGES as readonly string[]).includes(locale) ? locale : "en";
};

/**
 * `/sandbox/pos?customer=<id>&locale=fr`: the POS home screen with Tally's tile and the customer's
 * page with its block and action, the cart (its customer and code) beside them. Tapping the tile
 * or the action opens its modal as POS does.
 */
export function posPreviewPage(request: Request): Response {
  requireSandbox();
  const url = new URL(request.url);
  const customer = customerOf(url) ?? 7390000001;
  const locale = localeOf(url);
  const html = `<!doctype html>
<html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><title>Tally at POS (sandbox)</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #1a1a1a; color: #eee; }
  header { padding: 12px 20px; background: #000; display: flex; gap: 16px; align-items: center; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; padding: 20px; }
  section { background: #2b2b2b; border-radius: 12px; padding: 16px; }
  h2 { margin: 0 0 12px; font-size: 15px; color: #aaa; font-weight: 600; }
  iframe { border: 0; width: 100%; background: transparent; }
  #tile { height: 110px; width: 260px; } #block { height: 230px; } #menu { height: 60px; }
  #modal { position: fixed; inset: 0; background: rgba(0,0,0,.6); display: none; }
  #modal.open { display: block; } #modal iframe { position: absolute; inset: 5% 15%; width: 70%; height: 90%; border-radius: 12px; background: #fff; }
  #modal button { position: absolute; top: 6%; right: 16%; z-index: 1; }
  #toast { position: fixed; bottom: 20px; left: 50%; transform: translateX(-50%); background: #fff; color: #000; padding: 10px 16px; border-radius: 8px; display: none; }
  input { width: 130px; }
</style></head><body>
<header><strong>Shopify POS — sandbox</strong>
  <form method="get">Customer id <input name="customer" value="${escapeHtml(customer)}">
  <select name="locale">${SHOPPER_LANGUAGES.map((l) => `<option${l === locale ? " selected" : ""}>${l}</option>`).join("")}</select>
  <button>Open</button></form></header>
<main>
  <section><h2>Home</h2><iframe id="tile"></iframe>
    <h2 style="margin-top:16px">Cart</h2><p id="cart"></p></section>
  <section><h2>Customer <span id="customer-id"></span></h2><iframe id="block"></iframe><iframe id="menu"></iframe></section>
</main>
<div id="modal"><button id="close">✕</button><iframe id="modal-frame"></iframe></div>
<div id="toast"></div>
<script>
  const state = { customer: ${scriptJson(customer)}, code: null, locale: ${scriptJson(locale)} };
  const frameUrl = (target) => "${POS_PREVIEW_PATH}/frame?" + new URLSearchParams({ target, locale: state.locale,
    customer: state.customer ?? "", page: ${scriptJson(customer)} });
  const draw = () => {
    document.getElementById("cart").textContent = (state.customer ? "Customer " + state.customer : "No customer")
      + (state.code ? " · discount code " + state.code : "");
    document.getElementById("customer-id").textContent = ${scriptJson(customer)};
  };
  const load = () => {
    document.getElementById("tile").src = frameUrl("pos.home.tile.render");
    document.getElementById("block").src = frameUrl("pos.customer-details.block.render");
    document.getElementById("menu").src = frameUrl("pos.customer-details.action.menu-item.render");
    draw();
  };
  const modal = document.getElementById("modal");
  const closeModal = () => { modal.classList.remove("open"); document.getElementById("modal-frame").src = "about:blank"; load(); };
  document.getElementById("close").onclick = closeModal;
  window.addEventListener("message", ({ data, origin }) => {
    if (origin !== location.origin) return;
    if (data.type === "presentModal") {
      const target = data.target === "pos.home.tile.render" ? "pos.home.modal.render" : "pos.customer-details.action.render";
      document.getElementById("modal-frame").src = frameUrl(target);
      modal.classList.add("open");
    }
    if (data.type === "cart") { state.customer = data.cart.customer?.id ?? null; state.code = data.cart.cartDiscount?.code ?? null; draw(); }
    if (data.type === "toast") {
      const toast = document.getElementById("toast");
      toast.textContent = data.text; toast.style.display = "block";
      setTimeout(() => (toast.style.display = "none"), 3000);
    }
  });
  load();
</script></body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

// Stand-ins for the Polaris elements POS draws natively: enough to read and tap them.
const ELEMENTS = `(() => {
  const css = ":host{display:block;font:15px system-ui,sans-serif;color:#202223}";
  const define = (name, draw, extra = {}) => customElements.define(name, class extends HTMLElement {
    static observedAttributes = ["heading", "subheading", "tone", "label", "disabled", "variant", "direction", "placeholder", "type", "color"];
    connectedCallback() { if (!this.shadowRoot) { this.attachShadow({ mode: "open" }); extra.setUp?.(this); } this.draw(); }
    attributeChangedCallback() { if (this.shadowRoot) this.draw(); }
    draw() { if (!extra.setUp) this.shadowRoot.innerHTML = "<style>" + css + "</style>" + draw(this); else extra.update?.(this); }
    get value() { return this._input ? this._input.value : this._value; }
    set value(v) { this._value = v; if (this._input && this._input.value !== String(v ?? "")) this._input.value = v ?? ""; }
  });
  const attr = (el, name) => (el.getAttribute(name) ?? "").replace(/[&<>]/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const tones = { critical: "#fde2e1", warning: "#ffebc2", caution: "#fff5d6", success: "#d4f5e3", info: "#e0f0ff" };
  define("s-page", (el) => "<h1 style='font-size:20px;margin:0 0 12px'>" + attr(el, "heading") + "</h1><slot></slot>");
  define("s-scroll-box", () => "<slot></slot>");
  define("s-pos-block", (el) => "<div style='border:1px solid #ddd;border-radius:10px;padding:12px;background:#fff'><strong>" + attr(el, "heading") + "</strong><div style='margin-top:8px'><slot></slot></div></div>");
  define("s-section", (el) => "<div style='border-top:1px solid #eee;padding:10px 0'>" + (el.getAttribute("heading") ? "<strong>" + attr(el, "heading") + "</strong>" : "") + "<slot></slot></div>");
  define("s-stack", (el) => "<div style='display:flex;gap:8px;align-items:center;justify-content:space-between;flex-direction:" + (el.getAttribute("direction") === "inline" ? "row" : "column;align-items:stretch") + "'><slot></slot></div>");
  define("s-text", (el) => "<span style='" + (el.getAttribute("type") === "strong" ? "font-weight:600;" : "") + (el.getAttribute("color") === "subdued" ? "color:#6d7175;" : "") + "'><slot></slot></span>");
  define("s-banner", (el) => "<div style='padding:10px;border-radius:8px;background:" + (tones[el.getAttribute("tone")] ?? "#eee") + "'><slot></slot></div>");
  define("s-button", (el) => "<button style='font:inherit;padding:8px 14px;border-radius:8px;border:1px solid #8c9196;background:" + (el.getAttribute("variant") === "primary" ? "#303030;color:#fff" : el.getAttribute("tone") === "critical" ? "#fff;color:#d82c0d" : "#fff") + "'" + (el.hasAttribute("disabled") ? " disabled" : "") + "><slot></slot></button>");
  define("s-tile", (el) => "<div style='background:#fff;border-radius:10px;padding:14px;height:70px;cursor:pointer'><div style='font-weight:600'>" + attr(el, "heading") + "</div><div style='color:#6d7175;margin-top:6px'>" + attr(el, "subheading") + "</div></div>");
  const field = (type) => ({
    setUp(el) {
      el.shadowRoot.innerHTML = "<style>" + css + "</style><label style='display:block'><span id=l></span><input type=" + type + " style='display:block;font:inherit;padding:8px;width:100%;box-sizing:border-box'></label>";
      el._input = el.shadowRoot.querySelector("input");
      el._input.value = el._value ?? "";
      el._input.addEventListener("input", (event) => { event.stopPropagation(); el.dispatchEvent(new Event("input", { bubbles: true })); });
    },
    update(el) { el.shadowRoot.getElementById("l").textContent = el.getAttribute("label") ?? ""; el._input.placeholder = el.getAttribute("placeholder") ?? ""; },
  });
  define("s-search-field", null, field("search"));
  define("s-number-field", null, field("number"));
  document.addEventListener("click", (event) => { if (event.target.closest?.("s-button[disabled]")) event.stopImmediatePropagation(); }, true);
})();`;

// The host side of one target: the \`shopify\` global, with the parent page as the rest of POS.
const HOST = `(() => {
  const { target, customer, page, locale, token, messages, session } = window.__pos;
  const plural = new Intl.PluralRules(locale);
  const translate = (key, options = {}) => {
    let entry = messages;
    for (const part of key.split(".")) entry = entry && typeof entry === "object" ? entry[part] : undefined;
    if (entry && typeof entry === "object" && typeof options.count === "number") entry = entry[plural.select(options.count)] ?? entry.other;
    return typeof entry === "string" ? entry.replace(/\\{\\{(\\w+)\\}\\}/g, (_, name) => String(options[name] ?? "")) : key;
  };
  let cart = { ...(customer ? { customer: { id: customer } } : {}) };
  const tell = (message) => parent.postMessage(message, location.origin);
  const setCart = (next) => { cart = next; shopify.cart.current.value = next; tell({ type: "cart", cart: next }); };
  window.shopify = {
    extension: { target, apiVersion: "2026-07" },
    setSignals(Signal) { this.cart.current = new Signal(cart); this.locale.current = new Signal(locale); },
    extend(name, run) { if (name === target) run(); },
    session: { currentSession: { ...session, currency: "EUR", posVersion: "sandbox" }, getSessionToken: async () => token, deviceId: 1 },
    customer: { id: page },
    action: { presentModal: () => tell({ type: "presentModal", target }) },
    toast: { show: (text) => tell({ type: "toast", text }) },
    locale: { current: { value: locale } },
    i18n: {
      translate,
      formatNumber: (n, o) => new Intl.NumberFormat(locale, o).format(n),
      formatCurrency: (n, o) => new Intl.NumberFormat(locale, { style: "currency", currency: "EUR", ...o }).format(n),
      formatDate: (d, o) => new Intl.DateTimeFormat(locale, o).format(d),
    },
    cart: {
      current: { value: cart },
      addCartCodeDiscount: async (code) => setCart({ ...cart, cartDiscount: { code } }),
      removeCartDiscount: async () => { const { cartDiscount, ...rest } = cart; setCart(rest); },
      setCustomer: async ({ id }) => setCart({ ...cart, customer: { id } }),
    },
  };
})();`;

/** `/sandbox/pos/frame?target=…`: one target of the extension, rendered as POS renders it. */
export async function posFramePage(request: Request): Promise<Response> {
  const shop = requireSandbox();
  const url = new URL(request.url);
  const target = url.searchParams.get("target") as PosTarget;
  if (!POS_TARGETS.includes(target)) return new Response("Not Found", { status: 404 });
  const locale = localeOf(url);
  const localeFile = locale === "en" ? "en.default.json" : `${locale}.json`;
  const messages = JSON.parse(await readFile(path.resolve("extensions/tally-pos/locales", localeFile), "utf8"));
  const token = await mintSessionToken({
    shop,
    apiKey: process.env.SHOPIFY_API_KEY ?? "",
    apiSecret: process.env.SHOPIFY_API_SECRET ?? "",
    subject: String(SANDBOX_POS.userId),
    ttlSeconds: TOKEN_TTL_SECONDS,
  });
  const pos = {
    target,
    customer: customerOf(url),
    page: Number(url.searchParams.get("page")) || customerOf(url),
    locale,
    token,
    messages,
    session: { shopId: 1, shopDomain: shop, ...SANDBOX_POS },
  };
  const html = `<!doctype html><html lang="${escapeHtml(locale)}"><head><meta charset="utf-8">
<style>body{margin:0;padding:8px;font:15px system-ui,sans-serif}</style></head><body>
<script>window.__pos = ${scriptJson(pos)};</script>
<script>${ELEMENTS}</script>
<script>${HOST}</script>
<script src="${POS_PREVIEW_PATH}/tally-pos.js"></script>
</body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
