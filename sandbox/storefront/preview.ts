import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { PrismaClient } from "@prisma/client";
import { AdminGateway } from "../../app/shopify/admin-gateway.server";
import { storeCreditBalance } from "../../app/shopify/store-credit.server";
import { toMinorUnits } from "../../app/money/money";
import { listCustomers } from "../../app/shopify/customers.server";
import { loadRunnableShop } from "../../app/loyalty/program/program.server";
import { tierTag } from "../../app/loyalty/program/program";
import { readStorefrontProgram } from "../../app/shopify/shop-metafields.server";
import { sandboxShop } from "../../app/shopify/session-token.server";
import { SANDBOX_STOREFRONT_PATH } from "../../app/shopify/theme-editor";
import { appProxyQuery } from "../app-proxy-signature";
import { minorUnitsPerUnit } from "../../extensions/shared/round-up";
import { interpolate, renderLiquid, schemaOf } from "./liquid";

/**
 * The sandbox's storefront preview (`npm run demo`): a stand-in theme that renders the theme app
 * extension's real blocks (extensions/tally-theme) on a product, cart and account page, with
 * Shopify's parts played locally: the App Proxy (`/sandbox/apps/tally/*`, signed with the app's
 * secret for the shopper signed in to the preview, forwarded to `/proxy/*`) and the Cart AJAX
 * API (`/sandbox/cart.js`, `/sandbox/cart/add.js`, `/sandbox/cart/change.js`, `/sandbox/cart/update.js`).
 * Nothing here exists unless the sandbox is
 * on, and never in production (`sandboxShop()`).
 */

/** The home page's "Preview your store" opens it here. */
export const PREVIEW_PATH = SANDBOX_STOREFRONT_PATH;
const ASSETS_PATH = "/sandbox/assets";
const CUSTOMER_COOKIE = "tally_preview_customer";
const CART_COOKIE = "tally_preview_cart";
/** Customers the sign-in page lists. */
const SIGN_IN_CHOICES = 50;
/** The project's extension, read on every request: edits show on the next reload. */
const EXTENSION_DIR = () => path.resolve("extensions/tally-theme");

/** 404 unless the sandbox is on (never in production). */
export function requireSandbox(): string {
  const shop = sandboxShop();
  if (!shop) throw new Response("Not Found", { status: 404 });
  return shop;
}

function cookies(request: Request): Record<string, string> {
  return Object.fromEntries(
    (request.headers.get("Cookie") ?? "")
      .split(";")
      .map((pair) => pair.trim().split("="))
      .filter(([name]) => name)
      .map(([name, ...value]) => [name!, decodeURIComponent(value.join("="))]),
  );
}

const cookie = (name: string, value: string) =>
  `${name}=${encodeURIComponent(value)}; Path=/sandbox; HttpOnly; SameSite=Lax`;

/**
 * The shopper signed in to the preview, as Shopify knows it from its own session: a cookie the
 * preview page sets, never anything the storefront script sends.
 */
export function previewCustomer(request: Request): string | null {
  const id = cookies(request)[CUSTOMER_COOKIE];
  return id && /^\d{1,20}$/.test(id) ? id : null;
}

// ---------------------------------------------------------------------------------------------
// The App Proxy, as Shopify runs it

const SHOPIFY_PARAMS = new Set(["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"]);

/**
 * `/sandbox/apps/tally/<path>` → `/proxy/<path>`, signed as Shopify's App Proxy signs it: the
 * shop, the signed-in customer (or "" for a guest), path_prefix and timestamp, whatever the
 * request itself claimed. Cookies are not forwarded (Shopify strips them too).
 */
export async function forwardAppProxy(request: Request, subpath: string): Promise<Response> {
  const shop = requireSandbox();
  const url = new URL(request.url);
  const extra: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) if (!SHOPIFY_PARAMS.has(key)) (extra[key] ??= []).push(value);
  const query = appProxyQuery(
    { shop, customerId: previewCustomer(request), extra },
    process.env.SHOPIFY_API_SECRET ?? "",
  );
  const headers = new Headers();
  for (const name of ["content-type", "accept", "idempotency-key", "user-agent", "accept-language"]) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const response = await fetch(`${url.origin}/proxy/${subpath}?${query}`, {
    method: request.method,
    headers,
    body: hasBody ? await request.text() : undefined,
    redirect: "manual",
  });
  const answer = new Headers({
    "Content-Type": response.headers.get("content-type") ?? "application/json",
    "Cache-Control": "no-store",
  });
  const location = response.headers.get("location");
  if (location) answer.set("Location", previewLocation(location));
  return new Response(response.body, { status: response.status, headers: answer });
}

/**
 * Where a redirect into the store lands in the preview: the store's home page (a referral link's
 * `/?tally_ref=…`) is the preview's storefront page, with the query kept. Shopify's shareable
 * discount URL (`/discount/<code>?redirect=<path>`) is followed to its `redirect` (the preview
 * applies no discount through it). Anything else in the store shows the storefront page too.
 */
export function previewLocation(location: string): string {
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(location)) return location;
  const target = new URL(location, "https://store.invalid");
  const redirect = target.searchParams.get("redirect");
  if (target.pathname.startsWith("/discount/") && redirect?.startsWith("/") && !redirect.startsWith("//"))
    return previewLocation(redirect);
  return PREVIEW_PATH + target.search;
}

// ---------------------------------------------------------------------------------------------
// A cart, with the Cart AJAX API's discount support

interface PreviewCart {
  token: string;
  codes: string[];
  /** Cart attributes (Tally's `_tally_ref` among them), as `/cart/update.js` `attributes` sets them. */
  attributes: Record<string, string>;
  /** Lines `/cart/add.js` added (a membership plan's variant, the donation), beside the preview's fixed lines. */
  added: CartLine[];
}

interface CartLine {
  /** Shopify's line key: the variant and a hash of the line's properties (the same pair makes one line). */
  key: string;
  id: number;
  title: string;
  quantity: number;
  /** Cents of the shop's currency. */
  price: number;
  properties: Record<string, string>;
}

const lineKey = (id: number, properties: Record<string, string>) =>
  `${id}:${createHash("md5").update(JSON.stringify(properties)).digest("hex")}`;

const carts = new Map<string, PreviewCart>();

const PRODUCT = {
  id: 8800000001,
  title: "Trail Runner Jacket",
  handle: "trail-runner-jacket",
  type: "Outerwear",
  tags: ["outdoor", "new"],
  collections: [{ id: 4410, title: "Jackets" }],
  variants: [
    { id: 48800000011, title: "S / Forest", price: 8900 },
    { id: 48800000012, title: "L / Forest", price: 9450 },
  ],
};
/** The collection page's products (only the first opens the product page's sample). */
const COLLECTION = [
  { title: PRODUCT.title, price: PRODUCT.variants[0]!.price },
  ...[
    ["Storm Shell", 12900],
    ["Ridge Fleece", 6900],
    ["Packable Down Vest", 7900],
    ["Summit Parka", 18900],
    ["Coastal Windbreaker", 5900],
    ["Alpine Rain Jacket", 11900],
    ["Insulated Hoodie", 9900],
  ].map(([title, price]) => ({ title: String(title), price: Number(price) })),
];
const CART_LINES: CartLine[] = [
  { id: 48800000011, title: "Trail Runner Jacket — S / Forest", quantity: 1, price: 8900 },
  { id: 48800000021, title: "Merino Hiking Socks", quantity: 2, price: 1200 },
].map((line) => ({ ...line, key: lineKey(line.id, {}), properties: {} }));

function cartFor(request: Request): { cart: PreviewCart; setCookie: string | null } {
  const token = cookies(request)[CART_COOKIE];
  const existing = token ? carts.get(token) : undefined;
  if (existing) return { cart: existing, setCookie: null };
  const cart = {
    token: token && /^[a-f0-9]{32}$/.test(token) ? token : randomBytes(16).toString("hex"),
    codes: [],
    attributes: {},
    added: [],
  };
  carts.set(cart.token, cart);
  return { cart, setCookie: cookie(CART_COOKIE, cart.token) };
}

/**
 * The Cart AJAX API's answer (`/cart.js`), with `discount_codes` as Shopify reports them: a code
 * is applicable when it is an active Tally code of the shopper signed in to the preview (the
 * discounts Tally creates are for that customer only).
 */
async function cartJson(db: PrismaClient, shopDomain: string, cart: PreviewCart, customerId: string | null) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, currencyCode: true } });
  const usable =
    shop && customerId && cart.codes.length
      ? await db.redemption.findMany({
          where: {
            shopId: shop.id,
            code: { in: cart.codes },
            status: "active",
            member: { shopifyCustomerId: customerId },
          },
          select: { code: true },
        })
      : [];
  const lines = [...CART_LINES, ...cart.added];
  const total = lines.reduce((sum, line) => sum + line.price * line.quantity, 0);
  return {
    token: cart.token,
    currency: shop?.currencyCode ?? "USD",
    item_count: lines.reduce((sum, line) => sum + line.quantity, 0),
    items: lines.map(cartItem),
    original_total_price: total,
    total_price: total,
    discount_codes: cart.codes.map((code) => ({
      code,
      applicable: usable.some((u) => u.code.toUpperCase() === code.toUpperCase()),
    })),
    attributes: cart.attributes,
  };
}

export async function cartLoader(db: PrismaClient, request: Request): Promise<Response> {
  const shop = requireSandbox();
  const { cart, setCookie } = cartFor(request);
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (setCookie) headers["Set-Cookie"] = setCookie;
  return Response.json(await cartJson(db, shop, cart, previewCustomer(request)), { headers });
}

/**
 * `POST /cart/update.js`: this stand-in reads `discount`, Shopify's comma-separated list of codes
 * that replaces the cart's codes ("" removes them all), and (JSON only) `attributes`, merged into the
 * cart's (an empty value removes one), and records them on the cart.
 */
export async function cartUpdateAction(db: PrismaClient, request: Request): Promise<Response> {
  const shop = requireSandbox();
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
  const { cart, setCookie } = cartFor(request);
  const raw = await request.text();
  let discount: unknown;
  let attributes: unknown;
  if ((request.headers.get("content-type") ?? "").includes("application/json")) {
    try {
      ({ discount, attributes } = JSON.parse(raw) as { discount?: unknown; attributes?: unknown });
    } catch {
      return Response.json({ status: 400, message: "Bad Request", description: "invalid JSON" }, { status: 400 });
    }
  } else {
    discount = new URLSearchParams(raw).get("discount") ?? undefined;
  }
  if (typeof discount === "string") {
    cart.codes = [
      ...new Set(
        discount
          .split(",")
          .map((code) => code.trim())
          .filter(Boolean),
      ),
    ];
  }
  if (attributes && typeof attributes === "object") {
    for (const [name, value] of Object.entries(attributes)) {
      if (value === "" || value === null) delete cart.attributes[name];
      else cart.attributes[name] = String(value);
    }
  }
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (setCookie) headers["Set-Cookie"] = setCookie;
  return Response.json(await cartJson(db, shop, cart, previewCustomer(request)), { headers });
}

/**
 * `POST /cart/add.js`: this stand-in takes Shopify's JSON body (`{"items": [{"id", "quantity"}]}`)
 * or a form's `id` and `quantity`, for the preview product's variants and the variants of the
 * program's membership plans (priced as the program says); the lines join the cart and the answer
 * is the lines added, as Shopify answers. An unknown variant: 422 as Shopify says it.
 */
export async function cartAddAction(db: PrismaClient, request: Request): Promise<Response> {
  const shopDomain = requireSandbox();
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
  const { cart, setCookie } = cartFor(request);
  const raw = await request.text();
  let items: { id: number; quantity: number; properties: Record<string, string> }[] = [];
  try {
    type Item = { id?: unknown; quantity?: unknown; properties?: Record<string, unknown> };
    const body: Item & { items?: Item[] } = (request.headers.get("content-type") ?? "").includes("application/json")
      ? JSON.parse(raw)
      : Object.fromEntries(new URLSearchParams(raw));
    items = (body.items ?? [body]).map((item) => ({
      id: Number(item.id),
      quantity: Number(item.quantity ?? 1),
      properties: Object.fromEntries(
        Object.entries(item.properties ?? {}).map(([name, value]) => [name, String(value)]),
      ),
    }));
  } catch {
    return Response.json({ status: 400, message: "Bad Request", description: "invalid JSON" }, { status: 400 });
  }
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, currencyCode: true } });
  const program = shop ? (await loadRunnableShop(db, shop.id))?.program : null;
  const donation = program?.giving.roundUp.variantId;
  const known = new Map<number, { title: string; price: number }>([
    ...PRODUCT.variants.map((v) => [v.id, { title: `${PRODUCT.title} — ${v.title}`, price: v.price }] as const),
    ...(program?.membership.plans ?? []).flatMap((plan) =>
      plan.variantId
        ? [
            [
              Number(plan.variantId),
              { title: `${program!.membership.name} — ${plan.name}`, price: Math.round(plan.price * 100) },
            ] as const,
          ]
        : [],
    ),
    // The round-up's donation variant: one minor unit of the shop's currency (in the cart's cents).
    ...(donation
      ? [
          [
            Number(donation),
            { title: "Donation", price: 100 / minorUnitsPerUnit(shop?.currencyCode ?? "USD") },
          ] as const,
        ]
      : []),
  ]);
  const lines: CartLine[] = [];
  for (const item of items) {
    const variant = known.get(item.id);
    if (!variant || !Number.isInteger(item.quantity) || item.quantity < 1)
      return Response.json({ status: 422, message: "Cart Error", description: "Cannot find variant" }, { status: 422 });
    const { id, quantity, properties } = item;
    lines.push({ key: lineKey(id, properties), id, title: variant.title, quantity, price: variant.price, properties });
  }
  for (const line of lines) {
    const existing = cart.added.find((added) => added.key === line.key);
    if (existing) existing.quantity += line.quantity;
    else cart.added.push({ ...line });
  }
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (setCookie) headers["Set-Cookie"] = setCookie;
  return Response.json({ items: lines.map(cartItem) }, { headers });
}

/** A line as the Cart AJAX API gives it. */
const cartItem = (line: CartLine) => ({
  ...line,
  variant_id: line.id,
  line_price: line.price * line.quantity,
  final_line_price: line.price * line.quantity,
});

/**
 * `POST /cart/change.js` (`{"id": "<line key>", "quantity": n}`, JSON): sets a line the shopper
 * added to `quantity`, 0 removing it, and answers the cart; a line it does not know: 400 as Shopify
 * says it. The preview's own lines stay as they are.
 */
export async function cartChangeAction(db: PrismaClient, request: Request): Promise<Response> {
  const shop = requireSandbox();
  const { cart, setCookie } = cartFor(request);
  let change: { id?: unknown; quantity?: unknown };
  try {
    change = JSON.parse(await request.text()) as typeof change;
  } catch {
    return Response.json({ status: 400, message: "Bad Request", description: "invalid JSON" }, { status: 400 });
  }
  const line = cart.added.find((added) => added.key === change.id);
  const quantity = Number(change.quantity);
  if (!line || !Number.isInteger(quantity) || quantity < 0)
    return Response.json(
      { status: 400, message: "Bad Request", description: "no valid id or line parameter" },
      { status: 400 },
    );
  if (quantity === 0) cart.added = cart.added.filter((added) => added !== line);
  else line.quantity = quantity;
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (setCookie) headers["Set-Cookie"] = setCookie;
  return Response.json(await cartJson(db, shop, cart, previewCustomer(request)), { headers });
}

// ---------------------------------------------------------------------------------------------
// The extension's assets, as Shopify's CDN serves them

const ASSET_TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

export function assetResponse(file: string, request: Request): Response {
  requireSandbox();
  const dir = path.join(EXTENSION_DIR(), "assets");
  if (!readdirSync(dir).includes(file)) throw new Response("Not Found", { status: 404 });
  const headers = new Headers({
    "Content-Type": ASSET_TYPES[path.extname(file)] ?? "application/octet-stream",
    "Cache-Control": "no-cache",
  });
  return new Response(compressed(request, readFileSync(path.join(dir, file)), headers), { headers });
}

/**
 * Compressed when the browser takes it, as Shopify serves storefront pages and its CDN the
 * extension's assets (Brotli or gzip): the Lighthouse bench then weighs what a shopper downloads.
 */
function compressed(request: Request, body: Buffer<ArrayBuffer> | string, headers: Headers): BodyInit {
  if (!/\bgzip\b/.test(request.headers.get("Accept-Encoding") ?? "")) return body;
  headers.set("Content-Encoding", "gzip");
  headers.append("Vary", "Accept-Encoding");
  return new Uint8Array(gzipSync(body));
}

// ---------------------------------------------------------------------------------------------
// Pages

export type PreviewPage = "product" | "collection" | "cart" | "account" | "login" | "rewards";

const escapeHtml = (value: unknown) =>
  String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function readExtension(relative: string): string {
  return readFileSync(path.join(EXTENSION_DIR(), relative), "utf8");
}

// ---------------------------------------------------------------------------------------------
// Languages and currencies, as Shopify Markets serves them

/**
 * The storefront's language and the shopper's currency: `?locale=fr&currency=EUR` (and `&rate=`,
 * Shopify's rate from the shop's currency; a sample rate for a few currencies against USD). The
 * shop's currency at rate 1 without them.
 */
export interface Localization {
  locale: string;
  currency: string;
  rate: number;
}

/** Sample rates from USD, for the preview only (Shopify's change daily). */
const SAMPLE_RATES_FROM_USD: Record<string, number> = { EUR: 0.92, GBP: 0.79, JPY: 150, CAD: 1.37, BRL: 5.4 };

export function previewLocalization(url: URL, shopCurrency: string): Localization {
  const locale = url.searchParams.get("locale") ?? "en";
  if (!/^[a-z]{2}(-[A-Z]{2})?$/.test(locale)) throw new Response("locale must be a language tag", { status: 400 });
  const currency = (url.searchParams.get("currency") ?? shopCurrency).toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new Response("currency must be an ISO 4217 code", { status: 400 });
  const rate =
    currency === shopCurrency
      ? 1
      : Number(url.searchParams.get("rate") ?? (shopCurrency === "USD" ? SAMPLE_RATES_FROM_USD[currency] : NaN));
  if (!(rate > 0)) throw new Response(`rate= is needed for ${currency} (from ${shopCurrency})`, { status: 400 });
  return { locale, currency, rate };
}

/** The query that keeps the preview in this language and currency from page to page. */
function localizationQuery({ locale, currency, rate }: Localization, shopCurrency: string): string {
  if (locale === "en" && currency === shopCurrency) return "";
  return `&locale=${locale}&currency=${currency}&rate=${rate}`;
}

/** A shop price (cents) in the shopper's currency, as Shopify gives it to Liquid: at the rate, in whole cents. */
const presentmentCents = (cents: number, localization: Localization) => Math.round(cents * localization.rate);

/** The locale file of the language, and English's (en.default.json) for what it lacks, as Shopify falls back. */
function translations(locale: string): Record<string, unknown>[] {
  const own = `locales/${locale}.json`;
  const files = locale !== "en" && existsSync(path.join(EXTENSION_DIR(), own)) ? [own] : [];
  return [...files, "locales/en.default.json"].map(
    (file) => JSON.parse(readExtension(file)) as Record<string, unknown>,
  );
}

/**
 * Shopify's `t` filter: the key in the language's file, else in English's (as Shopify falls back);
 * `{{ name }}` placeholders; with `count`, the form of its CLDR plural category, else `other`.
 */
export function translate(
  files: Record<string, unknown> | Record<string, unknown>[],
  key: string,
  values: Record<string, unknown>,
  language = "en",
): string {
  for (const file of [files].flat()) {
    const node = key
      .split(".")
      .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], file);
    const forms = node as Record<string, unknown>;
    const text =
      node && typeof node === "object" && "count" in values
        ? (forms[new Intl.PluralRules(language).select(Number(values.count))] ?? forms.other)
        : node;
    if (typeof text === "string") return interpolate(text, values);
  }
  return `translation missing: ${language}.${key}`;
}

interface RenderedBlock {
  html: string;
  javascript?: string;
  stylesheet?: string;
}

/**
 * Renders `blocks/<handle>.liquid` with its schema's default settings, as a theme would, but for
 * the ones the merchant set (`changed`: a checkbox's "true" / "false", other settings as text).
 */
function renderBlock(
  handle: string,
  globals: Record<string, unknown>,
  localization: Localization,
  id: string,
  changed: Record<string, string> = {},
): RenderedBlock {
  const files = translations(localization.locale);
  const source = readExtension(`blocks/${handle}.liquid`);
  const schema = (schemaOf(source) ?? {}) as {
    settings?: { id?: string; type: string; default?: unknown }[];
    javascript?: string;
    stylesheet?: string;
  };
  const settings = Object.fromEntries(
    (schema.settings ?? [])
      .filter((setting) => setting.id)
      .map((setting) => {
        const value = changed[setting.id!];
        if (value === undefined) return [setting.id, setting.default ?? null];
        return [setting.id, setting.type === "checkbox" ? value === "true" : value];
      }),
  );
  const html = renderLiquid(
    source,
    { ...globals, block: { id, type: handle, settings, shopify_attributes: "" } },
    {
      filters: {
        t: (input, _args, named) => translate(files, String(input), named, localization.locale),
        asset_url: (input) => `${ASSETS_PATH}/${String(input)}`,
      },
      snippet: (name) => readExtension(`snippets/${name}.liquid`),
    },
  );
  return { html, javascript: schema.javascript, stylesheet: schema.stylesheet };
}

const money = (cents: number, currency: string, locale: string) =>
  new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);

export interface PreviewOptions {
  page: PreviewPage;
  /** The launcher embed's settings the merchant changed in the theme editor (`?launcher.<id>=`). */
  launcherSettings?: Record<string, string>;
  customerId: string | null;
  request: Request;
  /**
   * false (`?tally=off`): the same page with none of Tally's blocks and no app embed, as a store
   * without Tally; what `npm run bench -- --only=lighthouse` compares against.
   */
  withTally?: boolean;
}

/** The preview's HTML page, and the cookies it sets. */
export async function previewPage(db: PrismaClient, options: PreviewOptions): Promise<Response> {
  const shopDomain = requireSandbox();
  const { request, customerId } = options;
  const page = options.page === "account" && !customerId ? "login" : options.page;
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, currencyCode: true } });
  const shopCurrency = shop?.currencyCode ?? "USD";
  const localization = previewLocalization(new URL(request.url), shopCurrency);
  const { currency } = localization;
  const price = (cents: number) => money(presentmentCents(cents, localization), currency, localization.locale);
  const keep = localizationQuery(localization, shopCurrency);
  const { cart, setCookie } = cartFor(request);
  const cartState = await cartJson(db, shopDomain, cart, customerId);
  const member =
    customerId && shop
      ? await db.member.findUnique({
          where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: customerId } },
        })
      : null;
  // Shopify's customer.tags, as far as Tally's blocks read them: the tier tag the member sync gave.
  const program = member?.syncedTierId && shop ? (await loadRunnableShop(db, shop.id))?.program : null;
  const tierLevel = program?.tiers.levels.find((level) => level.id === member?.syncedTierId);
  const customerTags = program && tierLevel ? [tierTag(program, tierLevel)] : [];
  // Liquid's prices are in the shopper's currency.
  const variants = PRODUCT.variants.map((v) => ({ ...v, price: presentmentCents(v.price, localization) }));
  const variant = variants[0]!;
  // The shop metafield the app writes when the program is saved, read back from Shopify.
  const storefrontProgram = await AdminGateway.forShop(db, shopDomain)
    .then(readStorefrontProgram)
    .catch(() => null);
  // The signed-in customer's store credit as Shopify holds it (Liquid's customer.store_credit_account:
  // subunits, hundredths even for JPY, in the shopper's currency).
  const storeCredit = customerId
    ? await AdminGateway.forShop(db, shopDomain)
        .then((admin) => storeCreditBalance(admin, customerId, shopCurrency))
        .catch(() => null)
    : null;
  const storeCreditCents = storeCredit && Number(toMinorUnits(storeCredit.amount, 2) ?? 0);
  // The Liquid objects a theme has (only what Tally's blocks read).
  const globals = {
    routes: {
      root_url: "/sandbox/",
      cart_url: "/sandbox/cart",
      cart_add_url: "/sandbox/cart/add",
      cart_update_url: "/sandbox/cart/update",
      cart_change_url: "/sandbox/cart/change",
      account_url: `${PREVIEW_PATH}?page=account${keep}`,
      account_login_url: `${PREVIEW_PATH}?page=login${keep}`,
      account_register_url: `${PREVIEW_PATH}?page=login${keep}`,
    },
    request: { locale: { iso_code: localization.locale }, page_type: page },
    shop: {
      name: shopDomain.replace(".myshopify.com", ""),
      currency: shopCurrency,
      metafields: { tally: { program: storefrontProgram === null ? null : { value: storefrontProgram } } },
    },
    cart: { currency: { iso_code: currency }, item_count: cartState.item_count },
    customer: customerId
      ? {
          id: Number(customerId),
          first_name: member?.firstName ?? "Shopper",
          email: member?.email ?? null,
          tags: customerTags,
          store_credit_account: storeCreditCents ? { balance: presentmentCents(storeCreditCents, localization) } : null,
        }
      : null,
    product: page === "product" ? { ...PRODUCT, variants, selected_or_first_available_variant: variant } : null,
  };

  const blocks: RenderedBlock[] = [];
  const withTally = options.withTally ?? true;
  const block = (handle: string, changed?: Record<string, string>) => {
    if (!withTally) return "";
    const rendered = renderBlock(handle, globals, localization, `preview-${handle}`, changed);
    blocks.push(rendered);
    return rendered.html;
  };

  let main: string;
  if (page === "product") {
    main = `<div class="product">
      <div class="product__media" aria-hidden="true"></div>
      <div class="product__info">
        <h1>${escapeHtml(PRODUCT.title)}</h1>
        <p class="price" data-price>${money(variant.price, currency, localization.locale)}</p>
        ${block("product-points")}
        <form method="post" action="/sandbox/cart/add" class="product-form">
          <label>Size <select name="id">${variants
            .map(
              (v) =>
                `<option value="${v.id}" data-price="${money(v.price, currency, localization.locale)}">${escapeHtml(v.title)}</option>`,
            )
            .join("")}</select></label>
          <button type="button" disabled>Add to cart</button>
        </form>
        <p class="muted">A waterproof shell for wet trail runs. (Sample product: the preview's cart is fixed.)</p>
      </div>
    </div>`;
  } else if (page === "collection") {
    // A collection grid: Tally has no block here, only the app embed (the launcher) runs.
    main = `<h1>${escapeHtml(PRODUCT.collections[0]!.title)}</h1>
      <ul class="grid" aria-label="Products">${COLLECTION.map(
        (item, index) => `<li class="card">
          <div class="card__media" style="--hue: ${(index * 47) % 360}" aria-hidden="true"></div>
          <a href="${PREVIEW_PATH}?page=product${keep}">${escapeHtml(item.title)}</a>
          <p class="muted">${price(item.price)}</p>
        </li>`,
      ).join("")}</ul>`;
  } else if (page === "cart") {
    main = `<h1>Your cart</h1>
      <table class="cart">${cartState.items
        .map(
          (item) =>
            `<tr><td>${escapeHtml(item.title)}${Object.entries(item.properties)
              .map(([name, value]) => ` <code>${escapeHtml(name)}: ${escapeHtml(value)}</code>`)
              .join("")}</td><td>× ${item.quantity}</td><td>${price(item.line_price)}</td></tr>`,
        )
        .join("")}</table>
      <p class="totals">Subtotal: <strong>${price(cartState.total_price)}</strong></p>
      <ul class="discounts" aria-label="Discount codes in the cart">${cartState.discount_codes
        .map(
          (d) =>
            `<li>Discount code <code>${escapeHtml(d.code)}</code> ${d.applicable ? "(applies at checkout)" : "(does not apply to this cart)"}</li>`,
        )
        .join("")}</ul>
      ${
        Object.keys(cartState.attributes).length
          ? `<p class="muted">Cart attributes (the shopper never sees these in Shopify): ${Object.entries(
              cartState.attributes,
            )
              .map(([name, value]) => `<code>${escapeHtml(name)}: ${escapeHtml(value)}</code>`)
              .join(", ")}</p>`
          : ""
      }
      ${block("round-up")}
      ${block("cart-redeem")}
      ${block("giving-total")}
      <button type="button" disabled>Check out</button>`;
  } else if (page === "rewards") {
    main = block("loyalty-page");
  } else if (page === "account") {
    main = `<h1>Account</h1><p class="muted">Signed in as customer ${escapeHtml(customerId)}${member?.email ? ` (${escapeHtml(member.email)})` : ""}.</p>
      ${block("account-points")}`;
  } else {
    const customers = shop ? await signInChoices(db, shop.id, shopDomain) : [];
    main = `<h1>Sign in</h1>
      <p class="muted">The preview signs you in the way the shop's customer accounts would: pick a customer. Tally learns who you are only from the App Proxy's signed <code>logged_in_customer_id</code>.</p>
      <ul class="customers" aria-label="Customers">${customers
        .map(
          (c) =>
            `<li><a href="${PREVIEW_PATH}?customer=${escapeHtml(c.customerId)}&amp;page=account${keep}">${escapeHtml(c.label)}</a> — ${c.balance === null ? "not a member yet" : `${c.balance} points`}</li>`,
        )
        .join("")}</ul>
      <form method="get" action="${PREVIEW_PATH}"><input type="hidden" name="page" value="account">
        <label>Customer id <input name="customer" inputmode="numeric" pattern="[0-9]+" required></label> <button>Sign in</button></form>
      <p><a href="${PREVIEW_PATH}?customer=guest&amp;page=product${keep}">Continue as a guest</a></p>`;
  }
  // The launcher links to the preview's loyalty page, as a merchant who added the page would.
  const embed = block("tally-launcher", {
    program_page: `${PREVIEW_PATH}?page=rewards${keep}`,
    ...options.launcherSettings,
  });

  const stylesheets = [...new Set(blocks.map((b) => b.stylesheet).filter(Boolean))];
  const scripts = [...new Set(blocks.map((b) => b.javascript).filter(Boolean))];
  const nav = (target: PreviewPage, label: string) =>
    `<a href="${PREVIEW_PATH}?page=${target}${keep}"${target === page ? ' aria-current="page"' : ""}>${label}</a>`;
  const html = `<!doctype html>
<html lang="${escapeHtml(localization.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(globals.shop.name)} — storefront preview</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
${stylesheets.map((file) => `<link rel="stylesheet" href="${ASSETS_PATH}/${file}">`).join("\n")}
<script>
  // What Shopify puts on every storefront page: the shopper's currency and the rate from the shop's.
  window.Shopify = { currency: { active: ${JSON.stringify(currency)}, rate: ${JSON.stringify(String(localization.rate))} } };
</script>
${scripts.map((file) => `<script src="${ASSETS_PATH}/${file}" defer></script>`).join("\n")}
<style>
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #faf9f7; }
  .preview-bar { padding: 6px 24px; background: #fff3cd; font-size: 14px; }
  header { display: flex; gap: 24px; align-items: center; padding: 16px 24px; background: #fff; border-bottom: 1px solid #e5e5e5; }
  header strong { margin-right: auto; }
  header a { color: inherit; }
  header a[aria-current] { font-weight: 700; }
  main { max-width: 960px; margin: 0 auto; padding: 24px; }
  .product { display: grid; grid-template-columns: 1fr 1fr; gap: 32px; }
  .product__media { aspect-ratio: 1; border-radius: 8px; background: linear-gradient(135deg, #3d6b57, #a9c7b6); }
  .price { font-size: 20px; margin: 0 0 4px; }
  .muted { color: #666; }
  table.cart { width: 100%; border-collapse: collapse; }
  table.cart td { padding: 8px 0; border-bottom: 1px solid #e5e5e5; }
  .grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 24px; padding: 0; list-style: none; }
  .card__media { aspect-ratio: 3 / 4; border-radius: 8px; background: linear-gradient(135deg, hsl(var(--hue) 30% 35%), hsl(var(--hue) 30% 75%)); }
  @media (max-width: 700px) { .product { grid-template-columns: 1fr; } .grid { grid-template-columns: 1fr 1fr; } }
</style>
</head>
<body>
<div class="preview-bar">Storefront preview of the sandbox shop ${escapeHtml(shopDomain)} —
${customerId ? `signed in as customer ${escapeHtml(customerId)} · <a href="${PREVIEW_PATH}?customer=guest&amp;page=${page === "account" ? "product" : page}${keep}">sign out</a>` : `guest · <a href="${PREVIEW_PATH}?page=login${keep}">sign in</a>`}</div>
<header><strong>${escapeHtml(globals.shop.name)}</strong>${nav("rewards", "Rewards program")}${nav("collection", "Jackets")}${nav("product", "Product")}${nav("cart", `Cart (${cartState.item_count})`)}${nav("account", "Account")}</header>
<main>${main}</main>
<script>
  // The theme's own script: show the selected variant's price.
  document.querySelector('form.product-form select')?.addEventListener('change', (event) => {
    document.querySelector('[data-price]').textContent = event.target.selectedOptions[0].dataset.price;
  });
</script>
${embed}
</body>
</html>`;

  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  if (setCookie) headers.append("Set-Cookie", setCookie);
  return new Response(compressed(request, html, headers), { headers });
}

/**
 * Whom the sign-in page offers: the shop's customers as Shopify lists them (a customer who never
 * earned a point is one too), with their balance when they are members; then members Shopify did
 * not list (imported, or beyond the first page). Members only when Shopify cannot be asked.
 */
async function signInChoices(db: PrismaClient, shopId: string, shopDomain: string) {
  const members = await db.member.findMany({
    where: { shopId, shopifyCustomerId: { not: null } },
    select: { shopifyCustomerId: true, email: true, firstName: true, lastName: true, balance: true },
    orderBy: { balance: "desc" },
    take: SIGN_IN_CHOICES,
  });
  const customers = await AdminGateway.forShop(db, shopDomain)
    .then((admin) => listCustomers(admin, SIGN_IN_CHOICES))
    .catch(() => []);
  const balances = new Map(members.map((m) => [m.shopifyCustomerId!, Number(m.balance)]));
  const label = (c: { firstName: string | null; lastName: string | null; email: string | null }, id: string) => {
    const name = [c.firstName, c.lastName].filter(Boolean).join(" ");
    return name && c.email ? `${name} (${c.email})` : name || c.email || id;
  };
  const listed = new Set(customers.map((c) => c.customerId));
  return [
    ...customers.map((c) => ({
      customerId: c.customerId,
      label: label(c, c.customerId),
      balance: balances.get(c.customerId) ?? null,
    })),
    ...members
      .filter((m) => !listed.has(m.shopifyCustomerId!))
      .map((m) => ({
        customerId: m.shopifyCustomerId!,
        label: label(m, m.shopifyCustomerId!),
        balance: Number(m.balance),
      })),
  ];
}

/** `?customer=<id>|guest` signs the preview in or out (a cookie, as a storefront session). */
export function signInCookie(value: string | null): { customerId: string | null; setCookie: string } | null {
  if (value === null) return null;
  if (value === "guest" || value === "") return { customerId: null, setCookie: cookie(CUSTOMER_COOKIE, "") };
  if (!/^\d{1,20}$/.test(value))
    throw new Response("customer must be a numeric Shopify customer id or guest", { status: 400 });
  return { customerId: value, setCookie: cookie(CUSTOMER_COOKIE, value) };
}
