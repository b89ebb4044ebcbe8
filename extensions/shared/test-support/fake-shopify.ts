import { signal } from "@preact/signals";
import { vi } from "vitest";

/**
 * A stand-in for the `shopify` global the extension host gives each target, at its documented
 * shape (@shopify/ui-extensions 2026.7: checkout `StandardApi` + `CheckoutApi` /
 * `OrderConfirmationApi`, customer-account `StandardApi`). The reactive properties are Preact
 * signals, as they are in a real host once `@shopify/ui-extensions/preact` has called
 * `shopify.setSignals(Signal)`.
 */

type Messages = { [key: string]: string | Messages };

/** `i18n.translate` as documented: dotted keys, `{{name}}` replacements, `count` picks one/other. */
export function fakeI18n(messages: Messages, locale = "en") {
  const plural = new Intl.PluralRules(locale);
  const translate = (key: string, options: Record<string, unknown> = {}) => {
    let entry: string | Messages | undefined = messages;
    for (const part of key.split(".")) entry = typeof entry === "object" ? entry[part] : undefined;
    if (entry && typeof entry === "object" && typeof options.count === "number")
      entry = entry[plural.select(options.count)] ?? entry.other;
    if (typeof entry !== "string") throw new Error(`missing translation ${key}`);
    return entry.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options[name] ?? `{{${name}}}`));
  };
  return {
    translate: vi.fn(translate),
    formatNumber: (n: number | bigint, options?: Intl.NumberFormatOptions) =>
      new Intl.NumberFormat(locale, options).format(n),
    formatCurrency: (n: number | bigint, options?: Intl.NumberFormatOptions) =>
      new Intl.NumberFormat(locale, { style: "currency", currency: "EUR", ...options }).format(n),
    formatDate: (date: Date, options?: Intl.DateTimeFormatOptions) =>
      new Intl.DateTimeFormat(locale, { timeZone: "UTC", ...options }).format(date),
  };
}

const readonly = <T>(value: T) => signal(value);

export interface FakeCheckoutOptions {
  /** A signed-in customer's GID, or null for a guest. `false`: no buyerIdentity (no customer-data access). */
  customerId?: string | null | false;
  canUpdateDiscountCodes?: boolean;
  discountCodes?: string[];
  applyResult?: { type: "success" } | { type: "error"; message: string } | Error;
  orderId?: string;
  /** The buyer's language: `i18n` formats and picks plurals for it. */
  locale?: string;
  /** The checkout's lines: merchandise GID, quantity and line total (in `currency`). */
  lines?: { merchandiseId: string; quantity: number; amount: number }[];
  /** The buyer's currency (`localization.currency`); EUR unless said. */
  currency?: string;
  /** The shop metafields the extension declares (`appMetafields`), by `namespace.key`, as JSON. */
  shopMetafields?: Record<string, unknown>;
  canAddCartLine?: boolean;
  /** `applyCartLinesChange` answers this (or throws it) instead of changing the lines. */
  linesResult?: { type: "error"; message: string } | Error;
}

type FakeLine = {
  id: string;
  merchandise: { id: string };
  quantity: number;
  cost: { totalAmount: { amount: number; currencyCode: string } };
  attributes: { key: string; value: string }[];
};
type LineChange =
  | { type: "addCartLine"; merchandiseId: string; quantity: number; attributes?: { key: string; value: string }[] }
  | { type: "updateCartLine"; id: string; quantity?: number }
  | { type: "removeCartLine"; id: string; quantity: number };

/** The checkout's lines as a signal, and `applyCartLinesChange` changing them as Shopify would (one minor unit each added). */
function fakeLines(options: FakeCheckoutOptions) {
  const currencyCode = options.currency ?? "EUR";
  let next = 1;
  const line = (merchandiseId: string, quantity: number, amount: number, attributes: FakeLine["attributes"] = []) => ({
    id: `gid://shopify/CartLine/${next++}`,
    merchandise: { id: merchandiseId },
    quantity,
    cost: { totalAmount: { amount, currencyCode } },
    attributes,
  });
  const lines = signal<FakeLine[]>((options.lines ?? []).map((l) => line(l.merchandiseId, l.quantity, l.amount)));
  const applyCartLinesChange = vi.fn(async (change: LineChange) => {
    if (options.linesResult instanceof Error) throw options.linesResult;
    if (options.linesResult) return options.linesResult;
    // The donation variant costs one hundredth: the tests' lines added are donations.
    if (change.type === "addCartLine")
      lines.value = [
        ...lines.value,
        line(change.merchandiseId, change.quantity, change.quantity / 100, change.attributes),
      ];
    else if (change.type === "removeCartLine") lines.value = lines.value.filter((l) => l.id !== change.id);
    else
      lines.value = lines.value.map((l) =>
        l.id === change.id
          ? {
              ...l,
              quantity: change.quantity!,
              cost: { totalAmount: { amount: change.quantity! / 100, currencyCode } },
            }
          : l,
      );
    return { type: "success" as const };
  });
  return { lines, applyCartLinesChange };
}

export function fakeCheckoutShopify(messages: Messages, options: FakeCheckoutOptions = {}) {
  const customerId = options.customerId === undefined ? "gid://shopify/Customer/7001" : options.customerId;
  const discountCodes = signal((options.discountCodes ?? []).map((code) => ({ code })));
  const instructions = signal({
    attributes: { canUpdateAttributes: true },
    delivery: { canSelectCustomAddress: true },
    discounts: { canUpdateDiscountCodes: options.canUpdateDiscountCodes ?? true },
    lines: { canAddCartLine: options.canAddCartLine ?? true, canRemoveCartLine: true, canUpdateCartLine: true },
    metafields: { canSetCartMetafields: true, canDeleteCartMetafield: true },
    notes: { canUpdateNote: true },
  });
  const applyDiscountCodeChange = vi.fn(
    async (change: { type: "addDiscountCode" | "removeDiscountCode"; code: string }) => {
      const result = options.applyResult ?? { type: "success" as const };
      if (result instanceof Error) throw result;
      if (result.type === "success" && change.type === "addDiscountCode")
        discountCodes.value = [...discountCodes.value, { code: change.code }];
      return result;
    },
  );
  return {
    extension: { target: "purchase.checkout.reductions.render-after", apiVersion: "2026-07" },
    shop: { id: "gid://shopify/Shop/1", name: "Tea Shop", myshopifyDomain: "tea-shop.myshopify.com" },
    sessionToken: { get: vi.fn(async () => "header.payload.signature") },
    buyerIdentity:
      customerId === false
        ? undefined
        : {
            customer: readonly(customerId ? { id: customerId } : undefined),
            email: readonly(undefined),
            phone: readonly(undefined),
            purchasingCompany: readonly(undefined),
          },
    instructions,
    discountCodes,
    applyDiscountCodeChange,
    i18n: fakeI18n(messages, options.locale),
    localization: {
      currency: readonly({ isoCode: options.currency ?? "EUR" }),
      language: readonly({ isoCode: options.locale ?? "en" }),
    },
    appMetafields: readonly(
      Object.entries(options.shopMetafields ?? {}).map(([name, value]) => {
        const [namespace, key] = name.split(".");
        return {
          target: { type: "shop", id: "gid://shopify/Shop/1" },
          metafield: { namespace, key, value: JSON.stringify(value), valueType: "json_string" },
        };
      }),
    ),
    ...fakeLines(options),
    orderConfirmation: readonly(
      options.orderId ? { order: { id: options.orderId }, number: "ABC123", isFirstOrder: false } : undefined,
    ),
  };
}

export function fakeCustomerAccountShopify(
  messages: Messages,
  customerId = "gid://shopify/Customer/7001",
  /** The customer's language: `i18n` formats and picks plurals for it. */
  locale = "en",
) {
  return {
    extension: { target: "customer-account.page.render", apiVersion: "2026-07" },
    sessionToken: { get: vi.fn(async () => "header.payload.signature") },
    authenticatedAccount: { customer: readonly({ id: customerId }), purchasingCompany: readonly(undefined) },
    i18n: fakeI18n(messages, locale),
    toast: { show: vi.fn() },
  };
}

export interface FakeCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * `fetch` answering from a handler, recording each call (URL, method, headers, JSON body).
 * Answer with `[status, body]`, or throw to simulate the network failing.
 */
export function fakeFetch(handler: (call: FakeCall) => [number, unknown] | Promise<[number, unknown]>) {
  const calls: FakeCall[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const call: FakeCall = {
      url,
      method: init.method ?? "GET",
      headers: Object.fromEntries(
        [...new Headers(init.headers).entries()].map(([name, value]) => [name.toLowerCase(), value]),
      ),
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const [status, body] = await handler(call);
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  });
  return { fetch, calls };
}

export interface FakePosOptions {
  /** The customer in the POS cart (home tile and modal), or null for none. */
  cartCustomerId?: number | null;
  /** The customer whose page is open (customer-details targets). */
  pageCustomerId?: number;
  /** `getSessionToken()`'s answer: undefined when the Shopify user logged into POS may not use the app. */
  sessionToken?: string | undefined;
  staffMemberId?: number;
  /** `addCartCodeDiscount` throws this (the cart refused the code). */
  addCodeError?: Error;
  /** The POS's language: `i18n` formats and picks plurals for it. */
  locale?: string;
}

/**
 * A stand-in for the `shopify` global of a POS target (@shopify/ui-extensions 2026.7 point-of-sale:
 * `StandardApi` with `session`, `toast`, `i18n`, and `ActionApi`, `CartApi`, `CustomerApi`). The
 * cart is a Preact signal, as the host's is once `@shopify/ui-extensions/preact` has set signals up.
 */
export function fakePosShopify(messages: Messages, options: FakePosOptions = {}) {
  const locale = options.locale ?? "en";
  const cart = signal<{ customer?: { id: number }; cartDiscount?: { code: string } }>({
    ...(options.cartCustomerId ? { customer: { id: options.cartCustomerId } } : {}),
  });
  const sessionToken = "sessionToken" in options ? options.sessionToken : "header.payload.signature";
  return {
    extension: { target: "pos.home.modal.render", apiVersion: "2026-07" },
    session: {
      currentSession: {
        shopId: 1,
        userId: 81000001,
        shopDomain: "pos-shop.myshopify.com",
        locationId: 64000001,
        staffMemberId: options.staffMemberId ?? 5001,
        currency: "EUR",
        posVersion: "10.20.0",
      },
      staffMember: readonly({ id: options.staffMemberId ?? 5001 }),
      getSessionToken: vi.fn(async () => sessionToken),
      deviceId: 1,
    },
    customer: { id: options.pageCustomerId ?? 7101 },
    action: { presentModal: vi.fn() },
    toast: { show: vi.fn() },
    locale: { current: readonly(locale) },
    i18n: fakeI18n(messages, locale),
    cart: {
      current: cart,
      addCartCodeDiscount: vi.fn(async (code: string) => {
        if (options.addCodeError) throw options.addCodeError;
        cart.value = { ...cart.value, cartDiscount: { code } };
      }),
      removeCartDiscount: vi.fn(async () => {
        const { cartDiscount: _removed, ...rest } = cart.value;
        cart.value = rest;
      }),
      setCustomer: vi.fn(async (customer: { id: number }) => {
        cart.value = { ...cart.value, customer };
      }),
    },
  };
}

/**
 * The `shopify` global of `customer-account.order-status.block.render` (customer-account
 * `OrderStatusApi` + `StandardApi`): the order shown, the buyer (a customer, or a guest when
 * `customerId` is null), the session token and `i18n`.
 */
export function fakeOrderStatusShopify(
  messages: Messages,
  options: { orderId?: string; customerId?: string | null; locale?: string } = {},
) {
  const customerId = options.customerId === undefined ? "gid://shopify/Customer/7001" : options.customerId;
  return {
    extension: { target: "customer-account.order-status.block.render", apiVersion: "2026-07" },
    shop: { id: "gid://shopify/Shop/1", name: "Tea Shop", myshopifyDomain: "tea-shop.myshopify.com" },
    sessionToken: { get: vi.fn(async () => "header.payload.signature") },
    order: readonly(options.orderId ? { id: options.orderId, name: "#1001" } : undefined),
    buyerIdentity: {
      customer: readonly(customerId ? { id: customerId } : undefined),
      email: readonly(undefined),
      phone: readonly(undefined),
      purchasingCompany: readonly(undefined),
    },
    authenticationState: readonly("fully_authenticated"),
    requireLogin: vi.fn(async () => undefined),
    i18n: fakeI18n(messages, options.locale),
  };
}
