import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { AddressInfo } from "node:net";
import {
  execute,
  getNamedType,
  getNullableType,
  GraphQLError,
  isListType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import currencyCodes from "currency-codes";
import { loadAdminSchema } from "./admin-schema";
import { flowPayloadErrors, loadFlowTriggerDefinitions, type FlowTriggerDefinition } from "./flow-trigger-definitions";
import { themeSettingsData, type SandboxAppEmbed } from "./theme-settings";

/**
 * A local Admin GraphQL API for the sandbox shop and for tests. It is a real HTTP server:
 * every operation is validated against Shopify's Admin schema for the requested version and
 * executed against that schema over in-memory shop data, so a response has the shape Shopify's
 * would. Calls are recorded; faults (THROTTLED, HTTP errors, userErrors) can be queued.
 */

export interface DoubleCustomer {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  tags: string[];
  createdAt: string;
  numberOfOrders: number;
  amountSpent: string;
  /** The default email address's marketing state (CustomerEmailAddressMarketingState); NOT_SUBSCRIBED when absent. */
  emailMarketingState?: "SUBSCRIBED" | "NOT_SUBSCRIBED" | "PENDING" | "UNSUBSCRIBED" | "INVALID";
}

/** An order as the Admin API's Order type has it (the fields Tally reads), plus when it changed. */
export interface DoubleOrder {
  id: number;
  name: string;
  test: boolean;
  email: string | null;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  taxesIncluded: boolean;
  displayFinancialStatus: "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "PENDING" | "VOIDED";
  customer: { id: number; email: string } | null;
  lineItems: {
    id: number;
    quantity: number;
    isGiftCard: boolean;
    productId: number | null;
    variantId?: number | null;
    unitPrice: string;
    /** A manual discount's allocation to the line ("0" for none). */
    discount: string;
    /** A discount code's or an automatic discount's allocation to the line, beside `discount`. */
    allocations?: DoubleDiscountAllocation[];
    /** Line item properties (a round-up's `_tally_cause`). */
    customAttributes?: { key: string; value: string }[];
  }[];
  /** Shipping lines: only their discounts' allocations. */
  shippingLines?: { allocations: DoubleDiscountAllocation[] }[];
  refunds: { id: number; createdAt: string; lines: { lineItemId: number; quantity?: number; subtotal: string }[] }[];
  discountCodes?: string[];
  /** Cart attributes as the order keeps them. */
  customAttributes?: { key: string; value: string }[];
  /** The card the order was paid with, as Shopify shows it (brand, first six, last four). */
  card?: { company: string; bin: string; lastFour: string };
}

/** What a discount code (by its code) or an automatic discount (by its title) took off a line or the shipping. */
export type DoubleDiscountAllocation = { amount: string } & ({ code: string } | { title: string });

/** A product as earning rules see it: its tags, type and collections; productCreate's also have the rest. */
export interface DoubleProduct {
  id: number;
  tags: string[];
  productType: string;
  collectionIds: number[];
  title?: string;
  handle?: string;
  descriptionHtml?: string;
  status?: "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";
  /** The product's options and their values, as productCreate and productVariantsBulkCreate left them. */
  options?: { name: string; values: string[] }[];
  variants?: DoubleVariant[];
}

/** A product variant productCreate or productVariantsBulkCreate made. */
export interface DoubleVariant {
  id: number;
  /** Its option values joined with " / " ("Default Title" when the product has no options). */
  title: string;
  price: string;
  sku: string | null;
  taxable: boolean;
  requiresShipping: boolean;
  tracked: boolean;
}

/** A code discount created through the Admin API, with the input it was created from. */
export interface DoubleDiscount {
  id: string;
  code: string;
  kind: "basic" | "free_shipping";
  input: Record<string, unknown>;
}

/** An automatic discount (no code: Shopify applies it to whom its context says), with its input as last set. */
export interface DoubleAutomaticDiscount {
  id: string;
  kind: "basic" | "free_shipping";
  input: Record<string, unknown>;
}

/** An app subscription as Shopify keeps it: its usage line item, cap and the usage records made on it. */
export interface DoubleSubscription {
  id: string;
  name: string;
  status: "PENDING" | "ACTIVE" | "DECLINED" | "EXPIRED" | "FROZEN" | "CANCELLED";
  test: boolean;
  returnUrl: string;
  createdAt: string;
  currentPeriodEnd: string | null;
  usageLineItemId: string;
  currencyCode: string;
  terms: string;
  /** Minor units (hundredths). */
  cappedAmount: number;
  /** A cap appSubscriptionLineItemUpdate asked for, waiting for the merchant's approval. */
  requestedCap: number | null;
  records: { id: string; description: string; price: number; idempotencyKey: string | null; createdAt: string }[];
}

/** A customer's store credit account in one currency, with the credits storeCreditAccountCredit made. */
export interface DoubleStoreCreditAccount {
  id: string;
  customerId: number;
  currencyCode: string;
  /** Minor units of the currency. */
  balance: number;
  credits: {
    id: string;
    amount: number;
    createdAt: string;
    expiresAt: string | null;
    balanceAfter: number;
    /** The `@idempotent(key:)` it was made with: the same key gets this credit back. */
    idempotencyKey: string | null;
  }[];
}

export interface DoubleShop {
  domain: string;
  accessToken: string;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  /** The shop's primary locale, as shopLocales names it (en unless a test says, e.g. fr-FR). */
  primaryLocale?: string;
  customers: DoubleCustomer[];
  orders: DoubleOrder[];
  discounts: DoubleDiscount[];
  /** Automatic discounts, as discountAutomatic*Create/Update left them. */
  automaticDiscounts: DoubleAutomaticDiscount[];
  /** Variant id → price, for the variants the tests sell. */
  variantPrices: Record<string, string>;
  /** Owner GID → "namespace.key" → metafield, as metafieldsSet left them. */
  metafields: Record<string, Record<string, { type: string; value: string }>>;
  /** Resource GID → tags, as tagsAdd/tagsRemove left them. */
  tags: Record<string, string[]>;
  /** Customer segments segmentCreate made (names are unique per shop, as in Shopify); `customerIds` are its members. */
  segments: { id: string; name: string; query: string; customerIds?: number[] }[];
  /** The Flow trigger events flowTriggerReceive accepted, in order. */
  flowEvents: { handle: string; payload: Record<string, unknown> }[];
  /** Sets the API rate limit (standard unless said). */
  plan?: ShopPlan;
  /** The products `nodes(ids:)` finds (tests that score by tag, type or collection add them). */
  products?: DoubleProduct[];
  /** The published theme, and Tally's app embed in its settings_data.json (`setAppEmbed` switches it). */
  mainTheme: { name: string; tallyEmbed: SandboxAppEmbed };
  /** A development store (Partner dashboard): the app bills it with test charges. */
  partnerDevelopment?: boolean;
  /** The app's subscriptions on this shop, newest last. */
  subscriptions: DoubleSubscription[];
  /** storeCreditConfiguration's storeCreditEnabled (on unless a test or the demo says). */
  storeCreditEnabled: boolean;
  /** The most one store credit account may hold, in minor units of its currency (Shopify's per-account limit). */
  storeCreditLimit: number;
  storeCreditAccounts: DoubleStoreCreditAccount[];
}

export interface RecordedCall {
  shop: string;
  operationName: string | null;
  operationType: "query" | "mutation";
  query: string;
  variables: Record<string, unknown>;
  requestedCost: number;
  response: unknown;
}

/** A bulk operation (bulkOperationRunQuery or bulkOperationRunMutation) and the JSONL file it leaves. */
export interface DoubleBulkOperation {
  id: string;
  shop: string;
  type: "QUERY" | "MUTATION";
  /** The query, or the mutation run once per line of `variables`. */
  query: string;
  /** A mutation's variables, one object a line of the staged file; run when the operation completes. */
  variables?: Record<string, unknown>[];
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED";
  errorCode: BulkOperationErrorCode | null;
  createdAt: string;
  completedAt: string | null;
  /** One JSON object a line: a query's objects, made when it started (Shopify's snapshot), or a mutation's results. */
  lines: string[];
  /** The schema a mutation's lines run against (its API version's). */
  schema?: GraphQLSchema;
  /** Polls it still answers RUNNING before it ends. */
  runningPolls: number;
  /** The secret part of its file's URL. */
  token: string;
}
type BulkOperationErrorCode = "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";

/** How the next bulk query operations end (`setBulkOperationOutcome`): completed unless told. */
export interface BulkOperationOutcome {
  /** Polls answered RUNNING before the end (0: complete when first polled). */
  runningPolls?: number;
  /** Fail with this code instead of completing. */
  errorCode?: BulkOperationErrorCode;
}

/** Shopify runs at most this many bulk operations per shop and app, queries and mutations together (2026-01 and later). */
const BULK_OPERATION_LIMIT = 5;
/** Where the double serves bulk operations' files, as Shopify serves them from its storage. */
const BULK_RESULTS_PATH = "/bulk-operation-results/";
/** Where staged uploads go (Shopify's is a signed storage bucket URL): a multipart POST of the target's parameters and the file. */
const STAGED_UPLOADS_PATH = "/staged-uploads/";
/** The largest variables file Shopify takes for a bulk mutation (2026-01 and later). */
const STAGED_UPLOAD_MAX_BYTES = 100 * 1024 * 1024;

export type Fault =
  | { kind: "throttled" }
  | { kind: "http"; status: number; retryAfterSeconds?: number }
  | { kind: "graphql"; message: string; code?: string }
  | { kind: "userErrors"; userErrors: { field: string[] | null; message: string; code?: string }[] }
  /** The operation runs, then its answer is lost on the way back (a 502): a retry must not do it twice. */
  | { kind: "lostAnswer" };

interface QueuedFault {
  fault: Fault;
  operationName?: string;
  remaining: number;
}

/** Shopify's Admin GraphQL limits by plan: points restored per second; the bucket holds 20 seconds' worth. */
const RESTORE_RATES = { standard: 100, advanced: 200, plus: 1000 } as const;
export type ShopPlan = keyof typeof RESTORE_RATES;
const limitsOf = (shop: DoubleShop | undefined) => {
  const restoreRate = RESTORE_RATES[shop?.plan ?? "standard"];
  return { restoreRate, maximumAvailable: restoreRate * 20 };
};
const MUTATION_COST = 10;
/** Shopify refuses any single query whose calculated cost is above this. */
const MAX_QUERY_COST = 1000;

interface Bucket {
  available: number;
  readAt: number;
}

const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;

/** Where Shopify's confirmation page for app charges is, on the double's own server. */
const CONFIRMATION_PATH = "/admin/charges/confirm";

/** "100.00" → 10000: the double's billing amounts are hundredths (USD), parsed without floating point. */
function hundredths(amount: unknown): number {
  const [whole = "0", fraction = ""] = String(amount).split(".");
  return Number(whole) * 100 + Number((fraction + "00").slice(0, 2));
}
const billingMoney = (minor: number, currencyCode: string) => ({
  amount: `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`,
  currencyCode,
});

/** What the subscription's usage records add up to in its current 30-day period. */
function balanceUsed(subscription: DoubleSubscription): number {
  const periodStart = subscription.currentPeriodEnd ? Date.parse(subscription.currentPeriodEnd) - 30 * 86_400_000 : 0;
  return subscription.records
    .filter((record) => Date.parse(record.createdAt) >= periodStart)
    .reduce((sum, record) => sum + record.price, 0);
}

function subscriptionNode(subscription: DoubleSubscription) {
  const lineItem = {
    id: subscription.usageLineItemId,
    plan: {
      pricingDetails: {
        __typename: "AppUsagePricing",
        balanceUsed: billingMoney(balanceUsed(subscription), subscription.currencyCode),
        cappedAmount: billingMoney(subscription.cappedAmount, subscription.currencyCode),
        interval: "EVERY_30_DAYS",
        terms: subscription.terms,
      },
    },
  };
  return {
    __typename: "AppSubscription",
    id: subscription.id,
    name: subscription.name,
    status: subscription.status,
    test: subscription.test,
    createdAt: subscription.createdAt,
    currentPeriodEnd: subscription.currentPeriodEnd,
    returnUrl: subscription.returnUrl,
    trialDays: 0,
    lineItems: [lineItem],
  };
}
const legacyId = (globalId: unknown) => String(globalId).split("/").pop() ?? "";

export class AdminApiDouble {
  readonly calls: RecordedCall[] = [];
  private readonly shops = new Map<string, DoubleShop>();
  private readonly buckets = new Map<string, Bucket>();
  private faults: QueuedFault[] = [];
  /** Every response waits this long (a slow or hanging Shopify), until reset. */
  private latencyMs = 0;
  /** Store credit accounts and transactions have ids unique across shops, as Shopify's are. */
  private lastStoreCreditId = 0;
  /** Shopify's billing ids are global: no two shops' subscriptions or records share one, nor two runs of the demo. */
  private lastBillingId = Math.floor(Date.now() / 1000) * 1000;
  /** Segment and discount ids are never reused, as in Shopify (a deleted one stays gone). */
  private lastNodeId = 0;
  /** Products and variants productCreate makes: numeric ids far from those tests give their products. */
  private lastCatalogId = 9_100_000_000;
  private readonly bulkOperations = new Map<string, DoubleBulkOperation>();
  private bulkOutcome: BulkOperationOutcome = {};
  private lastBulkOperationId = 0;
  /** Staged upload key → its shop, the signature its form must carry, and the file once uploaded. */
  private readonly stagedUploads = new Map<string, { shop: string; policy: string; file: string | null }>();
  /** Time spent making bulk operations' files: Shopify's work, which a benchmark of the app leaves out. */
  bulkOperationWorkMs = 0;
  /** Flow knows the triggers the app deployed: its flow_trigger extensions. */
  private readonly flowTriggers: FlowTriggerDefinition[] = loadFlowTriggerDefinitions();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(options: { port?: number; host?: string } = {}): Promise<AdminApiDouble> {
    const host = options.host ?? "127.0.0.1";
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, resolve);
    });
    const { port } = server.address() as AddressInfo;
    const double = new AdminApiDouble(server, `http://${host}:${port}`);
    server.on("request", (request, response) => void double.handle(request, response));
    return double;
  }

  addShop(
    shop: Omit<
      DoubleShop,
      | "customers"
      | "orders"
      | "discounts"
      | "automaticDiscounts"
      | "variantPrices"
      | "metafields"
      | "tags"
      | "flowEvents"
      | "segments"
      | "mainTheme"
      | "subscriptions"
      | "storeCreditEnabled"
      | "storeCreditLimit"
      | "storeCreditAccounts"
    > &
      Partial<Pick<DoubleShop, "customers" | "orders" | "mainTheme" | "storeCreditEnabled" | "storeCreditLimit">>,
  ): DoubleShop {
    const stored: DoubleShop = {
      // A shop that just installed Tally: its theme has never had the app embed.
      mainTheme: { name: "Dawn", tallyEmbed: "absent" },
      ...shop,
      customers: shop.customers ?? [],
      orders: shop.orders ?? [],
      discounts: [],
      automaticDiscounts: [],
      segments: [],
      variantPrices: {},
      metafields: {},
      tags: {},
      flowEvents: [],
      subscriptions: [],
      storeCreditEnabled: shop.storeCreditEnabled ?? true,
      storeCreditLimit: shop.storeCreditLimit ?? 100_000_000,
      storeCreditAccounts: [],
    };
    this.shops.set(shop.domain, stored);
    return stored;
  }

  shop(domain: string): DoubleShop {
    const shop = this.shops.get(domain);
    if (!shop) throw new Error(`The double has no shop ${domain}`);
    return shop;
  }

  /** The merchant switches Tally's app embed on or off in the theme editor and saves. */
  setAppEmbed(domain: string, tallyEmbed: SandboxAppEmbed) {
    this.shop(domain).mainTheme.tallyEmbed = tallyEmbed;
  }

  /**
   * The merchant on Shopify's confirmation page: approving a pending subscription activates it (and
   * cancels the app's other active one, as Shopify does); approving a raised cap applies it.
   * Returns the URL Shopify sends the merchant back to.
   */
  answerConfirmation(domain: string, subscriptionId: string, approve: boolean): string {
    const shop = this.shop(domain);
    const subscription = shop.subscriptions.find((s) => s.id === subscriptionId);
    if (!subscription) throw new Error(`The double has no subscription ${subscriptionId}`);
    if (subscription.status === "PENDING") {
      if (approve) {
        for (const other of shop.subscriptions) if (other.status === "ACTIVE") other.status = "CANCELLED";
        subscription.status = "ACTIVE";
        subscription.currentPeriodEnd = new Date(Date.now() + 30 * 86_400_000).toISOString();
      } else {
        subscription.status = "DECLINED";
      }
    } else if (subscription.requestedCap !== null) {
      if (approve) subscription.cappedAmount = subscription.requestedCap;
      subscription.requestedCap = null;
    }
    const back = new URL(subscription.returnUrl);
    back.searchParams.set("charge_id", legacyId(subscription.id));
    return back.toString();
  }

  /** Shopify cancels the app's subscriptions when the merchant uninstalls it. */
  cancelSubscriptions(domain: string) {
    for (const subscription of this.shop(domain).subscriptions) {
      if (subscription.status === "ACTIVE" || subscription.status === "PENDING") subscription.status = "CANCELLED";
    }
  }

  /** The merchant deletes a product (and so its variants) in the Shopify admin. */
  deleteProduct(domain: string, productId: number | string) {
    const shop = this.shop(domain);
    shop.products = (shop.products ?? []).filter((product) => String(product.id) !== legacyId(productId));
  }

  /** The next `times` matching operations fail with `fault` (any operation unless named). */
  failNext(fault: Fault, options: { operationName?: string; times?: number } = {}) {
    this.faults.push({ fault, operationName: options.operationName, remaining: options.times ?? 1 });
  }

  /** How the bulk query operations started from now on end, until `reset()`. */
  setBulkOperationOutcome(outcome: BulkOperationOutcome) {
    this.bulkOutcome = outcome;
  }

  bulkOperation(id: string): DoubleBulkOperation | undefined {
    return this.bulkOperations.get(id);
  }

  /** Answers every request only after `ms` (a slow Shopify), until `reset()`. */
  delayResponses(ms: number) {
    this.latencyMs = ms;
  }

  /** Sets what is left in a shop's cost bucket, as if other apps had spent the rest. */
  drainBucket(shop: string, available: number) {
    this.buckets.set(shop, { available, readAt: Date.now() });
  }

  callsTo(operationName: string): RecordedCall[] {
    return this.calls.filter((call) => call.operationName === operationName);
  }

  reset() {
    this.calls.length = 0;
    this.faults = [];
    this.latencyMs = 0;
    this.buckets.clear();
    this.bulkOutcome = {};
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    try {
      if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      const url = new URL(request.url ?? "/", this.origin);
      if (url.pathname === CONFIRMATION_PATH) return await this.confirmationPage(request, url, response);
      if (url.pathname.startsWith(BULK_RESULTS_PATH)) return this.bulkResultFile(url, response);
      if (url.pathname === STAGED_UPLOADS_PATH) return await this.stagedUpload(request, response);
      const route = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(url.pathname);
      if (!route) return send(response, 404, { errors: "Not Found" });
      if (request.method !== "POST") return send(response, 405, { errors: "Method Not Allowed" });
      const shop = this.shopForToken(request.headers["x-shopify-access-token"]);
      if (!shop) {
        return send(response, 401, {
          errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
        });
      }
      let schema: GraphQLSchema;
      try {
        schema = loadAdminSchema(route[1]!);
      } catch {
        return send(response, 404, { errors: `Unknown API version ${route[1]}` });
      }
      const body = JSON.parse(await readBody(request)) as {
        query?: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      const { status, payload, call } = this.run(schema, shop, body);
      if (call) this.calls.push({ ...call, response: payload });
      const headers: Record<string, string> = {};
      if (status === 429) headers["Retry-After"] = "1";
      send(response, status, payload, headers);
    } catch (error) {
      send(response, 400, { errors: [{ message: (error as Error).message }] });
    }
  }

  /**
   * Shopify's page where the merchant approves a subscription or a new cap (its `confirmationUrl`):
   * GET shows the plan's terms with Approve and Decline; POST answers and sends the merchant back
   * to the app's return URL.
   */
  private async confirmationPage(request: IncomingMessage, url: URL, response: ServerResponse) {
    const domain = url.searchParams.get("shop") ?? "";
    const subscription = this.shops
      .get(domain)
      ?.subscriptions.find((s) => s.id === url.searchParams.get("subscription"));
    if (!subscription) return sendHtml(response, 404, "<h1>This charge no longer exists</h1>");
    if (request.method === "POST") {
      const answer = new URLSearchParams(await readBody(request)).get("answer");
      response.writeHead(303, { Location: this.answerConfirmation(domain, subscription.id, answer === "approve") });
      return response.end();
    }
    const cap = subscription.requestedCap ?? subscription.cappedAmount;
    const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    return sendHtml(
      response,
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Approve subscription</title></head><body>
<main><h1>Approve subscription</h1>
<p><strong>${escape(subscription.name)}</strong>${subscription.test ? " (test charge: nothing is paid)" : ""}</p>
<p>${escape(subscription.terms)}</p>
<p>Usage charges capped at ${(cap / 100).toFixed(2)} ${subscription.currencyCode} every 30 days.</p>
<form method="post"><button name="answer" value="approve">Approve</button> <button name="answer" value="decline">Decline</button></form>
</main></body></html>`,
    );
  }

  /** A bulk operation's JSONL, streamed; the URL is its only credential, as Shopify's signed URLs are. */
  private bulkResultFile(url: URL, response: ServerResponse) {
    const token = url.pathname.slice(BULK_RESULTS_PATH.length).replace(/\.jsonl$/, "");
    const operation = [...this.bulkOperations.values()].find((op) => op.token === token && op.status === "COMPLETED");
    if (!operation) return sendHtml(response, 403, "<Error><Code>AccessDenied</Code></Error>");
    response.writeHead(200, { "Content-Type": "application/jsonl" });
    const chunks = function* () {
      for (let start = 0; start < operation.lines.length; start += 1_000)
        yield `${operation.lines.slice(start, start + 1_000).join("\n")}\n`;
    };
    Readable.from(chunks()).pipe(response);
  }

  /**
   * The storage behind stagedUploadsCreate: a multipart/form-data POST with the target's
   * parameters (the `policy` signs the `key`) and the file last. 201 as the storage answers with
   * `success_action_status`; 403 for a key or signature it did not hand out; 413 past the size limit.
   */
  private async stagedUpload(request: IncomingMessage, response: ServerResponse) {
    if (request.method !== "POST") return sendHtml(response, 405, "<Error><Code>MethodNotAllowed</Code></Error>");
    const body = await readRawBody(request, STAGED_UPLOAD_MAX_BYTES);
    if (!body) return sendHtml(response, 413, "<Error><Code>EntityTooLarge</Code></Error>");
    let form: FormData;
    try {
      form = await new Request("http://storage/", {
        method: "POST",
        headers: { "content-type": String(request.headers["content-type"] ?? "") },
        body: new Uint8Array(body),
      }).formData();
    } catch {
      return sendHtml(response, 400, "<Error><Code>MalformedPOSTRequest</Code></Error>");
    }
    const key = String(form.get("key") ?? "");
    const staged = this.stagedUploads.get(key);
    const file = form.get("file");
    if (!staged || form.get("policy") !== staged.policy)
      return sendHtml(response, 403, "<Error><Code>AccessDenied</Code></Error>");
    if (!(file instanceof Blob)) return sendHtml(response, 400, "<Error><Code>MissingFile</Code></Error>");
    staged.file = await file.text();
    return sendHtml(response, 201, `<PostResponse><Key>${key}</Key></PostResponse>`);
  }

  /** stagedUploadsCreate for bulk mutation variables: a target on the double's own storage. */
  private stageUploads(shop: DoubleShop, input: { resource: string; filename: string; mimeType: string }[]) {
    if (input.some((item) => item.resource !== "BULK_MUTATION_VARIABLES")) {
      return {
        stagedTargets: null,
        userErrors: [{ field: ["input"], message: "The double stages BULK_MUTATION_VARIABLES only" }],
      };
    }
    const stagedTargets = input.map((item) => {
      const key = `tmp/${shop.domain}/bulk/${randomBytes(8).toString("hex")}/${item.filename}`;
      const policy = randomBytes(16).toString("hex");
      this.stagedUploads.set(key, { shop: shop.domain, policy, file: null });
      return {
        url: `${this.origin}${STAGED_UPLOADS_PATH}`,
        resourceUrl: `${this.origin}${STAGED_UPLOADS_PATH}${key}`,
        parameters: [
          { name: "key", value: key },
          { name: "Content-Type", value: item.mimeType },
          { name: "success_action_status", value: "201" },
          { name: "acl", value: "private" },
          { name: "policy", value: policy },
        ],
      };
    });
    return { stagedTargets, userErrors: [] };
  }

  /**
   * bulkOperationRunMutation: the mutation (one top-level field) is validated against the schema
   * and the staged file read now; its lines run against the shop when the operation completes,
   * each as its own mutation (a fault queued for the mutation's name applies to the next line).
   */
  private runBulkMutation(schema: GraphQLSchema, shop: DoubleShop, mutation: string, stagedUploadPath: string) {
    const refused = (code: string, message: string) => ({
      bulkOperation: null,
      userErrors: [{ field: null, message, code }],
    });
    let document: DocumentNode;
    try {
      document = parse(mutation);
    } catch (error) {
      return refused("INVALID_MUTATION", (error as Error).message);
    }
    const errors = validate(schema, document);
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    if (errors.length) return refused("INVALID_MUTATION", errors.map((e) => e.message).join("; "));
    if (
      operations.length !== 1 ||
      operations[0]!.operation !== "mutation" ||
      operations[0]!.selectionSet.selections.length !== 1
    )
      return refused("INVALID_MUTATION", "A bulk mutation must be one mutation with one top-level field.");
    const staged = this.stagedUploads.get(stagedUploadPath);
    if (!staged || staged.shop !== shop.domain || staged.file === null)
      return refused("NO_SUCH_FILE", `${stagedUploadPath} not valid for shop ${shop.domain}, bucket bulk/`);
    let variables: Record<string, unknown>[];
    try {
      variables = staged.file
        .split("\n")
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    } catch {
      return refused("INVALID_STAGED_UPLOAD_FILE", "Unexpected file structure - expected JSONL");
    }
    if (this.runningBulkOperations(shop) >= BULK_OPERATION_LIMIT)
      return refused("LIMIT_REACHED", `Bulk operations limit reached (${BULK_OPERATION_LIMIT} per shop and app).`);
    const bulk = this.createBulkOperation(shop, "MUTATION", mutation, []);
    bulk.variables = variables;
    bulk.schema = schema;
    return { bulkOperation: this.bulkOperationNode(bulk), userErrors: [] };
  }

  private runningBulkOperations(shop: DoubleShop) {
    return [...this.bulkOperations.values()].filter(
      (op) => op.shop === shop.domain && (op.status === "CREATED" || op.status === "RUNNING"),
    ).length;
  }

  private createBulkOperation(shop: DoubleShop, type: DoubleBulkOperation["type"], query: string, lines: string[]) {
    const bulk: DoubleBulkOperation = {
      id: gid("BulkOperation", ++this.lastBulkOperationId),
      shop: shop.domain,
      type,
      query,
      status: "CREATED",
      errorCode: null,
      createdAt: new Date().toISOString(),
      completedAt: null,
      lines,
      runningPolls: this.bulkOutcome.runningPolls ?? 0,
      token: randomBytes(16).toString("hex"),
    };
    this.bulkOperations.set(bulk.id, bulk);
    return bulk;
  }

  /** A bulk mutation's lines, each run as its own request would be (no cost: Shopify's own work), into its result file. */
  private runBulkMutationLines(shop: DoubleShop, bulk: DoubleBulkOperation) {
    const started = performance.now();
    const schema = bulk.schema!;
    const document = parse(bulk.query);
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    )!;
    bulk.lines = (bulk.variables ?? []).map((variableValues, lineNumber) => {
      const fault = this.takeFault(operation.name?.value ?? null);
      if (fault?.kind === "graphql")
        return JSON.stringify({ errors: [{ message: fault.message }], __lineNumber: lineNumber });
      const rootValue =
        fault?.kind === "userErrors" ? userErrorRoot(operation, fault.userErrors) : this.mutationRoot(shop, schema);
      const result = execute({ schema, document, rootValue, variableValues });
      if (result instanceof Promise) throw new Error("The double resolves synchronously");
      return JSON.stringify({
        data: result.data ?? null,
        ...(result.errors ? { errors: result.errors.map((error) => ({ message: error.message })) } : {}),
        __lineNumber: lineNumber,
      });
    });
    this.bulkOperationWorkMs += performance.now() - started;
  }

  /**
   * bulkOperationRunQuery as Shopify runs it for the query shapes Tally sends: one top-level
   * connection (`edges { node }` or `nodes`), no nested connection. The document is validated
   * against the schema and run over every matching object at once; its file is made now.
   */
  private runBulkQuery(schema: GraphQLSchema, shop: DoubleShop, query: string) {
    const invalid = (message: string) => ({
      bulkOperation: null,
      userErrors: [{ field: ["query"], message, code: "INVALID" }],
    });
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return invalid(`Invalid bulk query: ${(error as Error).message}`);
    }
    const errors = validate(schema, document);
    if (errors.length) return invalid(`Invalid bulk query: ${errors.map((e) => e.message).join("; ")}`);
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const [root, ...others] = operation?.selectionSet.selections ?? [];
    if (operation?.operation !== "query" || root?.kind !== Kind.FIELD || others.length)
      return invalid("Bulk queries must select one top-level connection field.");
    if (this.runningBulkOperations(shop) >= BULK_OPERATION_LIMIT) {
      return {
        bulkOperation: null,
        userErrors: [
          {
            field: null,
            message: `A bulk query operation for this app and shop is already in progress (limit ${BULK_OPERATION_LIMIT}).`,
            code: "LIMIT_REACHED",
          },
        ],
      };
    }
    const started = performance.now();
    const queries = this.queryRoot(shop);
    // A bulk query reads every object: no page size.
    const rootValue = {
      ...queries,
      customers: (args: { query?: string }) => queries.customers({ ...args, first: Infinity }),
    };
    const result = execute({ schema, document, rootValue });
    if (result instanceof Promise) throw new Error("The double resolves synchronously");
    if (result.errors?.length) return invalid(result.errors.map((e) => e.message).join("; "));
    const data = (result.data as Record<string, { edges?: { node: unknown }[]; nodes?: unknown[] }>)[
      root.alias?.value ?? root.name.value
    ]!;
    const lines = (data.nodes ?? data.edges?.map((edge) => edge.node) ?? []).map((node) => JSON.stringify(node));
    this.bulkOperationWorkMs += performance.now() - started;
    const bulk = this.createBulkOperation(shop, "QUERY", query, lines);
    return { bulkOperation: this.bulkOperationNode(bulk), userErrors: [] };
  }

  /** bulkOperation(id:): each poll moves a running operation towards its outcome. */
  private pollBulkOperation(shop: DoubleShop, id: string) {
    const bulk = this.bulkOperations.get(id);
    if (!bulk || bulk.shop !== shop.domain) return null;
    if (bulk.status === "CREATED" || bulk.status === "RUNNING") {
      if (bulk.runningPolls > 0) {
        bulk.runningPolls--;
        bulk.status = "RUNNING";
      } else if (this.bulkOutcome.errorCode) {
        bulk.status = "FAILED";
        bulk.errorCode = this.bulkOutcome.errorCode;
      } else {
        // A failed mutation applies none of its lines (the double's simplification of a partial run).
        if (bulk.type === "MUTATION") this.runBulkMutationLines(shop, bulk);
        bulk.status = "COMPLETED";
        bulk.completedAt = new Date().toISOString();
      }
    }
    return this.bulkOperationNode(bulk);
  }

  private bulkOperationNode(bulk: DoubleBulkOperation) {
    const completed = bulk.status === "COMPLETED";
    return {
      id: bulk.id,
      status: bulk.status,
      errorCode: bulk.errorCode,
      createdAt: bulk.createdAt,
      completedAt: bulk.completedAt,
      query: bulk.query,
      type: bulk.type,
      objectCount: String(completed ? bulk.lines.length : 0),
      rootObjectCount: String(completed ? bulk.lines.length : 0),
      fileSize:
        completed && bulk.lines.length ? String(bulk.lines.reduce((sum, line) => sum + line.length + 1, 0)) : null,
      // Shopify writes no file when the query found nothing.
      url: completed && bulk.lines.length ? `${this.origin}${BULK_RESULTS_PATH}${bulk.token}.jsonl` : null,
      partialDataUrl: null,
    };
  }

  private shopForToken(token: string | string[] | undefined): DoubleShop | undefined {
    return [...this.shops.values()].find((shop) => shop.accessToken === token);
  }

  private run(
    schema: GraphQLSchema,
    shop: DoubleShop,
    body: { query?: string; variables?: Record<string, unknown>; operationName?: string },
  ): { status: number; payload: unknown; call?: Omit<RecordedCall, "response"> } {
    let document: DocumentNode;
    try {
      document = parse(body.query ?? "");
    } catch (error) {
      return { status: 200, payload: { errors: [formatError(error as GraphQLError)] } };
    }
    const validationErrors = validate(schema, document);
    if (validationErrors.length) {
      return { status: 200, payload: { errors: validationErrors.map((error) => formatError(error)) } };
    }
    const operation = document.definitions.find(
      (definition): definition is OperationDefinitionNode =>
        definition.kind === Kind.OPERATION_DEFINITION &&
        (!body.operationName || definition.name?.value === body.operationName),
    );
    if (!operation || operation.operation === "subscription") {
      return { status: 200, payload: { errors: [{ message: "No query or mutation to run" }] } };
    }
    const variables = body.variables ?? {};
    const requestedCost = queryCost(schema, operation, variables);
    const call = {
      shop: shop.domain,
      operationName: operation.name?.value ?? null,
      operationType: operation.operation,
      query: body.query ?? "",
      variables,
      requestedCost,
    };

    if (requestedCost > MAX_QUERY_COST) {
      return {
        status: 200,
        payload: {
          errors: [
            {
              message: `Query cost is ${requestedCost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
              extensions: { code: "MAX_COST_EXCEEDED", cost: requestedCost, maxCost: MAX_QUERY_COST },
            },
          ],
        },
        call,
      };
    }
    const fault = this.takeFault(call.operationName);
    if (fault?.kind === "http") {
      return { status: fault.status, payload: { errors: `HTTP ${fault.status}` }, call };
    }
    const bucket = this.refill(shop.domain);
    if (fault?.kind === "throttled" || requestedCost > bucket.available) {
      return { status: 200, payload: throttled(requestedCost, fault ? 0 : bucket.available, limitsOf(shop)), call };
    }
    if (fault?.kind === "graphql") {
      return {
        status: 200,
        payload: { errors: [{ message: fault.message, extensions: { code: fault.code ?? "INTERNAL_SERVER_ERROR" } }] },
        call,
      };
    }
    bucket.available -= requestedCost;

    const rootValue =
      fault?.kind === "userErrors"
        ? userErrorRoot(operation, fault.userErrors)
        : operation.operation === "query"
          ? this.queryRoot(shop)
          : this.mutationRoot(shop, schema);
    const result = execute({
      schema,
      document,
      rootValue,
      variableValues: variables,
      operationName: body.operationName,
    });
    if (result instanceof Promise) throw new Error("The double resolves synchronously");
    // Like Shopify, charge up front what the query could cost, then refund down to what it did.
    const actualCost =
      operation.operation === "mutation" ? MUTATION_COST : Math.min(requestedCost, objectsIn(result.data));
    bucket.available += requestedCost - actualCost;
    const extensions = {
      cost: {
        requestedQueryCost: requestedCost,
        actualQueryCost: actualCost,
        throttleStatus: { ...limitsOf(shop), currentlyAvailable: bucket.available },
      },
    };
    if (fault?.kind === "lostAnswer") return { status: 502, payload: { errors: "HTTP 502" }, call };
    return {
      status: 200,
      payload: {
        ...(result.errors ? { errors: result.errors.map((error) => formatError(error, "INTERNAL_SERVER_ERROR")) } : {}),
        data: result.data,
        extensions,
      },
      call,
    };
  }

  private takeFault(operationName: string | null): Fault | undefined {
    const queued = this.faults.find((f) => !f.operationName || f.operationName === operationName);
    if (!queued) return undefined;
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.faults = this.faults.filter((f) => f !== queued);
    return queued.fault;
  }

  private refill(shop: string): Bucket {
    const now = Date.now();
    const { maximumAvailable, restoreRate } = limitsOf(this.shops.get(shop));
    const bucket = this.buckets.get(shop) ?? { available: maximumAvailable, readAt: now };
    bucket.available = Math.min(maximumAvailable, bucket.available + ((now - bucket.readAt) / 1000) * restoreRate);
    bucket.readAt = now;
    this.buckets.set(shop, bucket);
    return bucket;
  }

  /** Resolvers for the queries Tally sends. Grow this as Tally learns new operations. */
  private queryRoot(shop: DoubleShop) {
    const customerNode = (customer: DoubleCustomer) => ({
      __typename: "Customer",
      id: gid("Customer", customer.id),
      legacyResourceId: String(customer.id),
      email: customer.email,
      firstName: customer.firstName,
      lastName: customer.lastName,
      displayName: `${customer.firstName} ${customer.lastName}`.trim(),
      phone: customer.phone,
      tags: customer.tags,
      createdAt: customer.createdAt,
      numberOfOrders: String(customer.numberOfOrders),
      amountSpent: { amount: customer.amountSpent, currencyCode: shop.currencyCode },
      storeCreditAccounts: ({ first, query }: { first?: number; query?: string }) => {
        const currency = /currency_code:(\w+)/.exec(query ?? "")?.[1]?.toUpperCase();
        const accounts = shop.storeCreditAccounts.filter(
          (account) => account.customerId === customer.id && (!currency || account.currencyCode === currency),
        );
        return connection(accounts.map(storeCreditAccountNode), first ?? 50);
      },
      defaultEmailAddress: {
        emailAddress: customer.email,
        marketingState: customer.emailMarketingState ?? "NOT_SUBSCRIBED",
      },
      orders: ({ first, reverse }: { first?: number; reverse?: boolean }) => {
        const theirs = shop.orders
          .filter((order) => order.customer?.id === customer.id)
          .map((order) => orderNode(order, shop.currencyCode));
        return connection(reverse ? theirs.reverse() : theirs, first ?? 50);
      },
    });
    return {
      bulkOperation: ({ id }: { id: string }) => this.pollBulkOperation(shop, id),
      currentAppInstallation: {
        id: gid("AppInstallation", 1),
        activeSubscriptions: shop.subscriptions.filter((s) => s.status === "ACTIVE").map(subscriptionNode),
      },
      node: ({ id }: { id: string }) => {
        const subscription = shop.subscriptions.find((s) => s.id === id);
        return subscription ? subscriptionNode(subscription) : null;
      },
      shop: {
        id: gid("Shop", 1),
        plan: {
          partnerDevelopment: shop.partnerDevelopment ?? false,
          shopifyPlus: shop.plan === "plus",
          publicDisplayName: shop.partnerDevelopment ? "Development" : "Basic",
        },
        name: shop.name,
        email: shop.email,
        currencyCode: shop.currencyCode,
        ianaTimezone: shop.ianaTimezone,
        myshopifyDomain: shop.domain,
        // The shop's own metafields, as metafieldsSet left them on its GID.
        metafield: ({ namespace, key }: { namespace: string; key: string }) => {
          const metafield = shop.metafields[gid("Shop", 1)]?.[`${namespace}.${key}`];
          return metafield ? { namespace, key, ...metafield } : null;
        },
      },
      shopLocales: () => [{ locale: shop.primaryLocale ?? "en", primary: true }],
      storeCreditConfiguration: { storeCreditEnabled: shop.storeCreditEnabled },
      customer: ({ id }: { id: string }) => {
        const customer = shop.customers.find((c) => String(c.id) === legacyId(id));
        return customer ? customerNode(customer) : null;
      },
      customers: ({ first, after, query }: { first?: number; after?: string; query?: string }) => {
        const matching = shop.customers.filter(customerSearch(query));
        return connection(matching.map(customerNode), first ?? 50, after);
      },
      nodes: ({ ids }: { ids: string[] }) =>
        ids.map((id) => {
          const segment = shop.segments.find((s) => s.id === id);
          if (segment) return { __typename: "Segment", ...segment };
          const automatic = shop.automaticDiscounts.find((d) => d.id === id);
          if (automatic) return automaticNode(automatic);
          if (id.startsWith("gid://shopify/ProductVariant/")) {
            const found = findVariant(shop, legacyId(id));
            return found ? variantNode(found.product, found.variant) : null;
          }
          const product = shop.products?.find(
            (p) => String(p.id) === legacyId(id) && id.startsWith("gid://shopify/Product/"),
          );
          return product ? productNode(product) : null;
        }),
      // Shopify's search syntax, as far as Tally uses it: `tag:'…'`.
      products: ({ first, after, query }: { first?: number; after?: string; query?: string }) => {
        const tag = /tag:'((?:[^'\\]|\\.)*)'/.exec(query ?? "")?.[1]?.replace(/\\(.)/g, "$1");
        const matching = (shop.products ?? []).filter((product) => tag === undefined || product.tags.includes(tag));
        return connection(matching.map(productNode), first ?? 50, after);
      },
      orders: ({ first, after, query }: { first?: number; after?: string; query?: string }) => {
        const since = /updated_at:>=?'?([^'\s]+)'?/.exec(query ?? "")?.[1];
        const matching = shop.orders
          .filter((order) => !since || Date.parse(order.updatedAt) >= Date.parse(since))
          .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
        return connection(
          matching.map((order) => orderNode(order, shop.currencyCode)),
          first ?? 50,
          after,
        );
      },
      order: ({ id }: { id: string }) => {
        const order = shop.orders.find((o) => String(o.id) === legacyId(id));
        return order ? orderNode(order, shop.currencyCode) : null;
      },
      productVariant: ({ id }: { id: string }) => {
        const found = findVariant(shop, legacyId(id));
        if (found) return variantNode(found.product, found.variant);
        const price = shop.variantPrices[legacyId(id)];
        return price ? { id, price } : null;
      },
      codeDiscountNode: ({ id }: { id: string }) => {
        const discount = shop.discounts.find((d) => d.id === id);
        if (!discount) return null;
        const code = discount.code.toUpperCase();
        return {
          id,
          codeDiscount: {
            __typename: discount.kind === "basic" ? "DiscountCodeBasic" : "DiscountCodeFreeShipping",
            // The orders in the double that used the code.
            asyncUsageCount: shop.orders.filter((o) => o.discountCodes?.some((c) => c.toUpperCase() === code)).length,
          },
        };
      },
      codeDiscountNodeByCode: ({ code }: { code: string }) => {
        const discount = shop.discounts.find((d) => d.code.toUpperCase() === code.toUpperCase());
        return discount ? { id: discount.id } : null;
      },
      segments: ({ first, after }: { first?: number; after?: string }) => connection(shop.segments, first ?? 50, after),
      // A segment's members, as Shopify lists them (ids are gid://shopify/CustomerSegmentMember/<customer id>).
      customerSegmentMembers: ({ segmentId, first, after }: { segmentId?: string; first?: number; after?: string }) => {
        const segment = shop.segments.find((s) => s.id === segmentId);
        if (!segment) throw new Error("Segment does not exist");
        const members = (segment.customerIds ?? []).map((id) => ({ id: gid("CustomerSegmentMember", id) }));
        return connection(members, first ?? 50, after);
      },
      customerSegmentMembership: ({ customerId, segmentIds }: { customerId: string; segmentIds: string[] }) => ({
        memberships: segmentIds.map((segmentId) => ({
          segmentId,
          isMember: Boolean(
            shop.segments.find((s) => s.id === segmentId)?.customerIds?.includes(Number(legacyId(customerId))),
          ),
        })),
      }),
      // Shopify's search syntax, as far as Tally uses it: `title:'…'` (exact, case-insensitive).
      automaticDiscountNodes: ({ first, query }: { first?: number; query?: string }) => {
        const title = /title:'((?:[^'\\]|\\.)*)'/.exec(query ?? "")?.[1]?.replace(/\\(.)/g, "$1");
        const matching = shop.automaticDiscounts.filter(
          (d) => title === undefined || String(d.input.title).toLowerCase() === title.toLowerCase(),
        );
        return connection(matching.map(automaticNode), first ?? 50);
      },
      // The double's shops have one theme, the published one.
      themes: ({ roles, first }: { roles?: string[]; first?: number }) =>
        connection(!roles || roles.includes("MAIN") ? [mainThemeNode(shop.mainTheme)] : [], first ?? 50),
      refund: ({ id }: { id: string }) => {
        const refund = shop.orders.flatMap((o) => o.refunds).find((r) => String(r.id) === legacyId(id));
        return refund ? refundNode(refund, shop.currencyCode) : null;
      },
    };
  }

  private mutationRoot(shop: DoubleShop, schema: GraphQLSchema) {
    const createCode = (kind: DoubleDiscount["kind"], input: Record<string, unknown>) => {
      const code = String(input.code ?? "");
      if (shop.discounts.some((d) => d.code.toUpperCase() === code.toUpperCase())) {
        return {
          codeDiscountNode: null,
          userErrors: [
            { field: ["input", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" },
          ],
        };
      }
      const discount = { id: gid("DiscountCodeNode", shop.discounts.length + 1), code, kind, input };
      shop.discounts.push(discount);
      return { codeDiscountNode: { id: discount.id }, userErrors: [] };
    };
    /** Creates (no id) or updates an automatic discount, refusing what Shopify refuses. */
    const saveAutomatic = (kind: DoubleAutomaticDiscount["kind"], input: Record<string, unknown>, id?: string) => {
      const refused = (field: string[], message: string, code = "INVALID") => ({
        automaticDiscountNode: null,
        userErrors: [{ field, message, code }],
      });
      const existing = id === undefined ? undefined : shop.automaticDiscounts.find((d) => d.id === id);
      if (id !== undefined && (!existing || existing.kind !== kind)) return refused(["id"], "Discount does not exist");
      const merged = { ...existing?.input, ...input };
      if (!String(merged.title ?? "").trim()) return refused(["title"], "Title can't be blank", "BLANK");
      const context = merged.context as { customerSegments?: { add?: string[] } } | undefined;
      const segmentIds = context?.customerSegments?.add ?? [];
      if (segmentIds.some((segmentId) => !shop.segments.some((s) => s.id === segmentId)))
        return refused(["context", "customerSegments", "add"], "Customer segment does not exist");
      const value = (merged.customerGets as { value?: { percentage?: number } } | undefined)?.value;
      if (value?.percentage !== undefined && (value.percentage <= 0 || value.percentage > 1))
        return refused(
          ["customerGets", "value", "percentage"],
          "Value must be between 0.0 and 1.0",
          "VALUE_OUTSIDE_RANGE",
        );
      const discount = existing ?? { id: gid("DiscountAutomaticNode", ++this.lastNodeId), kind, input: {} };
      discount.input = merged;
      if (!existing) shop.automaticDiscounts.push(discount);
      return { automaticDiscountNode: automaticNode(discount), userErrors: [] };
    };
    const subscriptionOfLineItem = (lineItemId: string) =>
      shop.subscriptions.find((subscription) => subscription.usageLineItemId === lineItemId);
    const confirmationUrl = (subscription: DoubleSubscription) =>
      `${this.origin}${CONFIRMATION_PATH}?${new URLSearchParams({ shop: shop.domain, subscription: subscription.id })}`;
    return {
      appSubscriptionCreate: ({
        name,
        returnUrl,
        test,
        lineItems,
      }: {
        name: string;
        returnUrl: string;
        test?: boolean | null;
        lineItems: {
          plan: { appUsagePricingDetails?: { cappedAmount: { amount: unknown; currencyCode: string }; terms: string } };
        }[];
      }) => {
        const usage = lineItems.find((item) => item.plan.appUsagePricingDetails)?.plan.appUsagePricingDetails;
        if (!usage) {
          return {
            appSubscription: null,
            confirmationUrl: null,
            userErrors: [{ field: ["lineItems"], message: "The double bills usage line items only" }],
          };
        }
        const number = ++this.lastBillingId;
        const subscription: DoubleSubscription = {
          id: gid("AppSubscription", number),
          name,
          status: "PENDING",
          test: test ?? false,
          returnUrl,
          createdAt: new Date().toISOString(),
          currentPeriodEnd: null,
          usageLineItemId: `${gid("AppSubscriptionLineItem", number)}?v=1&index=0`,
          currencyCode: usage.cappedAmount.currencyCode,
          terms: usage.terms,
          cappedAmount: hundredths(usage.cappedAmount.amount),
          requestedCap: null,
          records: [],
        };
        shop.subscriptions.push(subscription);
        return {
          appSubscription: subscriptionNode(subscription),
          confirmationUrl: confirmationUrl(subscription),
          userErrors: [],
        };
      },
      appUsageRecordCreate: ({
        subscriptionLineItemId,
        price,
        description,
        idempotencyKey,
      }: {
        subscriptionLineItemId: string;
        price: { amount: unknown; currencyCode: string };
        description: string;
        idempotencyKey?: string | null;
      }) => {
        const subscription = subscriptionOfLineItem(subscriptionLineItemId);
        const refused = (message: string) => ({ appUsageRecord: null, userErrors: [{ field: null, message }] });
        if (!subscription) return refused("Subscription line item not found");
        const recordNode = (record: DoubleSubscription["records"][number]) => ({
          id: record.id,
          description: record.description,
          idempotencyKey: record.idempotencyKey,
          createdAt: record.createdAt,
          price: billingMoney(record.price, subscription.currencyCode),
          subscriptionLineItem: subscriptionNode(subscription).lineItems[0],
        });
        // Shopify keeps one record per idempotency key: a retry gets the first one back.
        const earlier =
          idempotencyKey && subscription.records.find((record) => record.idempotencyKey === idempotencyKey);
        if (earlier) return { appUsageRecord: recordNode(earlier), userErrors: [] };
        if (subscription.status !== "ACTIVE") return refused("The subscription is not active");
        const amount = hundredths(price.amount);
        if (balanceUsed(subscription) + amount > subscription.cappedAmount)
          return refused("Total price exceeds balance remaining");
        const record = {
          id: gid("AppUsageRecord", ++this.lastBillingId),
          description,
          price: amount,
          idempotencyKey: idempotencyKey ?? null,
          createdAt: new Date().toISOString(),
        };
        subscription.records.push(record);
        return { appUsageRecord: recordNode(record), userErrors: [] };
      },
      appSubscriptionLineItemUpdate: ({
        id,
        cappedAmount,
      }: {
        id: string;
        cappedAmount: { amount: unknown; currencyCode: string };
      }) => {
        const subscription = subscriptionOfLineItem(id);
        if (!subscription || subscription.status !== "ACTIVE") {
          return {
            appSubscription: null,
            confirmationUrl: null,
            userErrors: [{ field: ["id"], message: "Subscription line item not found" }],
          };
        }
        const cap = hundredths(cappedAmount.amount);
        if (cap <= subscription.cappedAmount) {
          return {
            appSubscription: null,
            confirmationUrl: null,
            userErrors: [
              { field: ["cappedAmount"], message: "The capped amount must be greater than the existing capped amount" },
            ],
          };
        }
        subscription.requestedCap = cap;
        return {
          appSubscription: subscriptionNode(subscription),
          confirmationUrl: confirmationUrl(subscription),
          userErrors: [],
        };
      },
      metafieldsSet: ({
        metafields,
      }: {
        metafields: { ownerId: string; namespace: string; key: string; type: string; value: string }[];
      }) => {
        if (metafields.length > 25) {
          return {
            metafields: null,
            userErrors: [
              {
                field: ["metafields"],
                message: "Exceeded the maximum metafields input limit of 25.",
                code: "LESS_THAN_OR_EQUAL_TO",
              },
            ],
          };
        }
        for (const metafield of metafields) {
          (shop.metafields[metafield.ownerId] ??= {})[`${metafield.namespace}.${metafield.key}`] = {
            type: metafield.type,
            value: metafield.value,
          };
        }
        return { metafields: [], userErrors: [] };
      },
      bulkOperationRunQuery: ({ query }: { query: string }) => this.runBulkQuery(schema, shop, query),
      bulkOperationRunMutation: ({ mutation, stagedUploadPath }: { mutation: string; stagedUploadPath: string }) =>
        this.runBulkMutation(schema, shop, mutation, stagedUploadPath),
      stagedUploadsCreate: ({ input }: { input: { resource: string; filename: string; mimeType: string }[] }) =>
        this.stageUploads(shop, input),
      tagsAdd: ({ id, tags }: { id: string; tags: string[] }) => {
        shop.tags[id] = [...new Set([...(shop.tags[id] ?? []), ...tags])];
        return { node: null, userErrors: [] };
      },
      tagsRemove: ({ id, tags }: { id: string; tags: string[] }) => {
        shop.tags[id] = (shop.tags[id] ?? []).filter((tag) => !tags.includes(tag));
        return { node: null, userErrors: [] };
      },
      flowTriggerReceive: ({ handle, payload }: { handle?: string; payload?: Record<string, unknown> }) => {
        const definition = this.flowTriggers.find((trigger) => trigger.handle === handle);
        if (!definition)
          return { userErrors: [{ field: ["handle"], message: `Trigger not found for handle '${handle}'` }] };
        const errors = flowPayloadErrors(definition, payload ?? {});
        if (errors.length) return { userErrors: errors.map((message) => ({ field: ["payload"], message })) };
        shop.flowEvents.push({ handle: handle!, payload: payload! });
        return { userErrors: [] };
      },
      productCreate: ({ product: input }: { product?: Record<string, unknown> | null }) => {
        const title = String(input?.title ?? "").trim();
        if (!title) return { product: null, userErrors: [{ field: ["title"], message: "Title can't be blank" }] };
        // The handle is the title's, made unique with a suffix, as Shopify does.
        const base = String(input?.handle ?? "") || handleize(title);
        let handle = base;
        for (let n = 1; (shop.products ?? []).some((p) => p.handle === handle); n++) handle = `${base}-${n}`;
        const options = (
          (input?.productOptions as { name: string; values?: { name: string }[] }[] | undefined) ?? []
        ).map((option) => ({ name: option.name, values: (option.values ?? []).map((value) => value.name) }));
        const product: DoubleProduct = {
          id: ++this.lastCatalogId,
          title,
          handle,
          descriptionHtml: String(input?.descriptionHtml ?? ""),
          status: (input?.status as DoubleProduct["status"]) ?? "ACTIVE",
          tags: (input?.tags as string[] | undefined) ?? [],
          productType: String(input?.productType ?? ""),
          collectionIds: [],
          options,
          // Shopify makes the one variant of the options' first values ("Default Title" without options).
          variants: [
            {
              id: ++this.lastCatalogId,
              title: options.map((option) => option.values[0]).join(" / ") || "Default Title",
              price: "0.00",
              sku: null,
              taxable: true,
              requiresShipping: true,
              tracked: false,
            },
          ],
        };
        (shop.products ??= []).push(product);
        return { product: productNode(product), shop: { id: gid("Shop", 1) }, userErrors: [] };
      },
      productVariantsBulkCreate: ({
        productId,
        variants,
        strategy,
      }: {
        productId: string;
        variants: {
          optionValues?: { optionName?: string; name?: string }[];
          price?: unknown;
          taxable?: boolean;
          inventoryItem?: { sku?: string; requiresShipping?: boolean; tracked?: boolean };
        }[];
        strategy?: "DEFAULT" | "PRESERVE_STANDALONE_VARIANT" | "REMOVE_STANDALONE_VARIANT";
      }) => {
        const product = shop.products?.find((p) => String(p.id) === legacyId(productId) && p.variants);
        if (!product)
          return {
            product: null,
            productVariants: null,
            userErrors: [{ field: ["productId"], message: "Product does not exist", code: "PRODUCT_DOES_NOT_EXIST" }],
          };
        const standalone = product.variants!.length === 1 ? product.variants![0]! : null;
        if (
          standalone &&
          (strategy === "REMOVE_STANDALONE_VARIANT" ||
            ((strategy ?? "DEFAULT") === "DEFAULT" && standalone.title === "Default Title"))
        )
          product.variants = [];
        const made = variants.map((input) => {
          const values = input.optionValues ?? [];
          for (const value of values) {
            const option = product.options?.find((o) => o.name === value.optionName);
            if (option && value.name && !option.values.includes(value.name)) option.values.push(value.name);
          }
          return {
            id: ++this.lastCatalogId,
            title: values.map((value) => value.name).join(" / ") || "Default Title",
            price: priceText(input.price),
            sku: input.inventoryItem?.sku ?? null,
            taxable: input.taxable ?? true,
            requiresShipping: input.inventoryItem?.requiresShipping ?? true,
            tracked: input.inventoryItem?.tracked ?? false,
          } satisfies DoubleVariant;
        });
        product.variants!.push(...made);
        return {
          product: productNode(product),
          productVariants: made.map((variant) => variantNode(product, variant)),
          userErrors: [],
        };
      },
      productVariantsBulkUpdate: ({
        productId,
        variants,
      }: {
        productId: string;
        variants: {
          id?: string;
          price?: unknown;
          taxable?: boolean;
          inventoryItem?: { sku?: string; requiresShipping?: boolean; tracked?: boolean };
        }[];
      }) => {
        const product = shop.products?.find((p) => String(p.id) === legacyId(productId) && p.variants);
        if (!product)
          return {
            product: null,
            productVariants: null,
            userErrors: [{ field: ["productId"], message: "Product does not exist", code: "PRODUCT_DOES_NOT_EXIST" }],
          };
        const updated: DoubleVariant[] = [];
        for (const input of variants) {
          const variant = product.variants!.find((v) => String(v.id) === legacyId(input.id));
          if (!variant)
            return {
              product: null,
              productVariants: null,
              userErrors: [
                {
                  field: ["variants", "id"],
                  message: "Product variant does not exist",
                  code: "PRODUCT_VARIANT_DOES_NOT_EXIST",
                },
              ],
            };
          if (input.price !== undefined) variant.price = priceText(input.price);
          if (input.taxable !== undefined) variant.taxable = input.taxable;
          const item = input.inventoryItem;
          if (item?.sku !== undefined) variant.sku = item.sku;
          if (item?.requiresShipping !== undefined) variant.requiresShipping = item.requiresShipping;
          if (item?.tracked !== undefined) variant.tracked = item.tracked;
          updated.push(variant);
        }
        return {
          product: productNode(product),
          productVariants: updated.map((variant) => variantNode(product, variant)),
          userErrors: [],
        };
      },
      segmentCreate: ({ name, query }: { name: string; query: string }) => {
        if (shop.segments.some((segment) => segment.name === name)) {
          return { segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] };
        }
        const segment = { id: gid("Segment", ++this.lastNodeId), name, query };
        shop.segments.push(segment);
        return { segment, userErrors: [] };
      },
      segmentUpdate: ({ id, name, query }: { id: string; name?: string | null; query?: string | null }) => {
        const segment = shop.segments.find((s) => s.id === id);
        if (!segment) return { segment: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
        if (name && shop.segments.some((s) => s !== segment && s.name === name)) {
          return { segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] };
        }
        Object.assign(segment, name ? { name } : {}, query ? { query } : {});
        return { segment, userErrors: [] };
      },
      segmentDelete: ({ id }: { id: string }) => {
        if (!shop.segments.some((s) => s.id === id))
          return { deletedSegmentId: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
        shop.segments = shop.segments.filter((s) => s.id !== id);
        return { deletedSegmentId: id, userErrors: [] };
      },
      discountAutomaticBasicCreate: ({ automaticBasicDiscount }: { automaticBasicDiscount: Record<string, unknown> }) =>
        saveAutomatic("basic", automaticBasicDiscount),
      discountAutomaticBasicUpdate: ({
        id,
        automaticBasicDiscount,
      }: {
        id: string;
        automaticBasicDiscount: Record<string, unknown>;
      }) => saveAutomatic("basic", automaticBasicDiscount, id),
      discountAutomaticFreeShippingCreate: ({
        freeShippingAutomaticDiscount,
      }: {
        freeShippingAutomaticDiscount: Record<string, unknown>;
      }) => saveAutomatic("free_shipping", freeShippingAutomaticDiscount),
      discountAutomaticFreeShippingUpdate: ({
        id,
        freeShippingAutomaticDiscount,
      }: {
        id: string;
        freeShippingAutomaticDiscount: Record<string, unknown>;
      }) => saveAutomatic("free_shipping", freeShippingAutomaticDiscount, id),
      discountAutomaticDelete: ({ id }: { id: string }) => {
        if (!shop.automaticDiscounts.some((d) => d.id === id))
          return {
            deletedAutomaticDiscountId: null,
            userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }],
          };
        shop.automaticDiscounts = shop.automaticDiscounts.filter((d) => d.id !== id);
        return { deletedAutomaticDiscountId: id, userErrors: [] };
      },
      discountCodeDelete: ({ id }: { id: string }) => {
        const discount = shop.discounts.find((d) => d.id === id);
        if (!discount)
          return {
            deletedCodeDiscountId: null,
            userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }],
          };
        shop.discounts = shop.discounts.filter((d) => d !== discount);
        return { deletedCodeDiscountId: id, userErrors: [] };
      },
      storeCreditAccountCredit: (
        {
          id,
          creditInput,
        }: {
          id: string;
          creditInput: {
            creditAmount: { amount: unknown; currencyCode: string };
            expiresAt?: string | null;
            notify?: boolean | null;
          };
        },
        _context: unknown,
        info: GraphQLResolveInfo,
      ) => {
        const refused = (code: string, field: string[], message: string) => ({
          storeCreditAccountTransaction: null,
          userErrors: [{ field, message, code }],
        });
        const key = idempotencyKeyOf(info);
        // Shopify runs one mutation per idempotency key: the same key answers with the first credit.
        for (const account of shop.storeCreditAccounts) {
          const earlier = key ? account.credits.find((credit) => credit.idempotencyKey === key) : undefined;
          if (earlier) return { storeCreditAccountTransaction: creditNode(account, earlier), userErrors: [] };
        }
        const customer = id.startsWith("gid://shopify/Customer/")
          ? shop.customers.find((c) => String(c.id) === legacyId(id))
          : undefined;
        if (!customer) return refused("OWNER_NOT_FOUND", ["id"], "Owner does not exist");
        const currencyCode = creditInput.creditAmount.currencyCode;
        if (currencyCode !== shop.currencyCode)
          return refused("UNSUPPORTED_CURRENCY", ["creditInput", "creditAmount"], "The currency is not supported");
        const amount = minorUnits(creditInput.creditAmount.amount, currencyCode);
        if (amount <= 0)
          return refused("NEGATIVE_OR_ZERO_AMOUNT", ["creditInput", "creditAmount"], "The amount must be positive");
        if (creditInput.expiresAt && Date.parse(creditInput.expiresAt) <= Date.now())
          return refused("EXPIRES_AT_IN_PAST", ["creditInput", "expiresAt"], "The expiry date must be in the future");
        let account = shop.storeCreditAccounts.find(
          (a) => a.customerId === customer.id && a.currencyCode === currencyCode,
        );
        if (account && account.balance + amount > shop.storeCreditLimit)
          return refused(
            "CREDIT_LIMIT_EXCEEDED",
            ["creditInput", "creditAmount"],
            "The account's credit limit is exceeded",
          );
        if (!account) {
          if (amount > shop.storeCreditLimit)
            return refused(
              "CREDIT_LIMIT_EXCEEDED",
              ["creditInput", "creditAmount"],
              "The account's credit limit is exceeded",
            );
          account = {
            id: gid("StoreCreditAccount", ++this.lastStoreCreditId),
            customerId: customer.id,
            currencyCode,
            balance: 0,
            credits: [],
          };
          shop.storeCreditAccounts.push(account);
        }
        const credit = {
          id: gid("StoreCreditAccountCreditTransaction", ++this.lastStoreCreditId),
          amount,
          createdAt: new Date().toISOString(),
          expiresAt: creditInput.expiresAt ?? null,
          idempotencyKey: key,
          balanceAfter: account.balance + amount,
        };
        account.credits.push(credit);
        account.balance += amount;
        return { storeCreditAccountTransaction: creditNode(account, credit), userErrors: [] };
      },
      // A customer with an email (partner earning enrols one): Shopify refuses an email already taken.
      customerCreate: ({ input }: { input: { email?: string; firstName?: string; lastName?: string } }) => {
        const email = input.email?.trim().toLowerCase();
        if (!email) return { customer: null, userErrors: [{ field: ["email"], message: "Email can't be blank" }] };
        if (shop.customers.some((c) => c.email.toLowerCase() === email))
          return { customer: null, userErrors: [{ field: ["email"], message: "Email has already been taken" }] };
        const id = Math.max(7_390_000_000, ...shop.customers.map((c) => c.id)) + 1;
        const customer: DoubleCustomer = {
          id,
          email,
          firstName: input.firstName ?? "",
          lastName: input.lastName ?? "",
          phone: null,
          tags: [],
          createdAt: new Date().toISOString(),
          numberOfOrders: 0,
          amountSpent: "0.00",
        };
        shop.customers.push(customer);
        return {
          customer: {
            id: gid("Customer", id),
            firstName: customer.firstName || null,
            lastName: customer.lastName || null,
            defaultEmailAddress: { emailAddress: email },
          },
          userErrors: [],
        };
      },
      discountCodeBasicCreate: ({ basicCodeDiscount }: { basicCodeDiscount: Record<string, unknown> }) =>
        createCode("basic", basicCodeDiscount),
      discountCodeFreeShippingCreate: ({
        freeShippingCodeDiscount,
      }: {
        freeShippingCodeDiscount: Record<string, unknown>;
      }) => createCode("free_shipping", freeShippingCodeDiscount),
    };
  }
}

type Page = { first?: number; after?: string };

/** A handle as Shopify derives it from a title: lowercase letters and digits, words joined by hyphens. */
const handleize = (title: string) =>
  title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "") || "product";

/** A variant's price as Shopify keeps the Money scalar it was given: decimal text as sent ("0.001", "1"), a number in hundredths. */
const priceText = (price: unknown) => (typeof price === "string" ? price : Number(price ?? 0).toFixed(2));

function findVariant(shop: DoubleShop, variantId: string) {
  for (const product of shop.products ?? []) {
    const variant = product.variants?.find((v) => String(v.id) === variantId);
    if (variant) return { product, variant };
  }
  return null;
}

function productNode(product: DoubleProduct) {
  return {
    __typename: "Product",
    id: gid("Product", product.id),
    legacyResourceId: String(product.id),
    title: product.title ?? "",
    handle: product.handle ?? `product-${product.id}`,
    descriptionHtml: product.descriptionHtml ?? "",
    status: product.status ?? "ACTIVE",
    tags: product.tags,
    productType: product.productType,
    collections: ({ first }: { first?: number }) =>
      connection(
        product.collectionIds.map((collectionId) => ({ id: gid("Collection", collectionId) })),
        first ?? 50,
      ),
    variants: ({ first, after }: { first?: number; after?: string }) =>
      connection(
        (product.variants ?? []).map((variant) => variantNode(product, variant)),
        first ?? 50,
        after,
      ),
  };
}

function variantNode(product: DoubleProduct, variant: DoubleVariant) {
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", variant.id),
    legacyResourceId: String(variant.id),
    title: variant.title,
    displayName: `${product.title ?? ""} - ${variant.title}`,
    price: variant.price,
    sku: variant.sku,
    taxable: variant.taxable,
    inventoryItem: {
      id: gid("InventoryItem", variant.id),
      requiresShipping: variant.requiresShipping,
      tracked: variant.tracked,
    },
    product: () => productNode(product),
  };
}

function automaticNode(discount: DoubleAutomaticDiscount) {
  return {
    __typename: "DiscountAutomaticNode",
    id: discount.id,
    automaticDiscount: {
      __typename: discount.kind === "basic" ? "DiscountAutomaticBasic" : "DiscountAutomaticFreeShipping",
      title: discount.input.title,
      tags: (discount.input.tags as string[] | undefined) ?? [],
      status: "ACTIVE",
    },
  };
}

/** The key of the field's `@idempotent(key:)` directive, literal or variable; null without one. */
function idempotencyKeyOf(info: GraphQLResolveInfo): string | null {
  const directive = info.fieldNodes[0]?.directives?.find((d) => d.name.value === "idempotent");
  const value = directive?.arguments?.find((argument) => argument.name.value === "key")?.value;
  if (value?.kind === Kind.STRING) return value.value;
  if (value?.kind === Kind.VARIABLE) return String(info.variableValues[value.name.value] ?? "") || null;
  return null;
}

/** Decimal text in a currency's minor units, no floating point: ("12.5", USD) → 1250, ("1200", JPY) → 1200. */
function minorUnits(amount: unknown, currencyCode: string): number {
  const digits = currencyCodes.code(currencyCode)?.digits ?? 2;
  const [whole = "0", fraction = ""] = String(amount).split(".");
  const sign = whole.startsWith("-") ? -1 : 1;
  return sign * (Math.abs(Number(whole)) * 10 ** digits + Number((fraction + "000").slice(0, digits) || "0"));
}

function decimalText(minor: number, currencyCode: string): string {
  const digits = currencyCodes.code(currencyCode)?.digits ?? 2;
  if (!digits) return String(minor);
  const text = String(minor).padStart(digits + 1, "0");
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

function storeCreditAccountNode(account: DoubleStoreCreditAccount) {
  return {
    id: account.id,
    balance: { amount: decimalText(account.balance, account.currencyCode), currencyCode: account.currencyCode },
    transactions: ({ first, reverse, query }: { first?: number; reverse?: boolean; query?: string }) => {
      // The credits are the only transactions the double keeps: "type:credit" or no filter finds them.
      const credits = !query || /type:credit\b/.test(query) ? account.credits.map((c) => creditNode(account, c)) : [];
      return connection(reverse ? credits.reverse() : credits, first ?? 50);
    },
  };
}

function creditNode(account: DoubleStoreCreditAccount, credit: DoubleStoreCreditAccount["credits"][number]) {
  const money = (minor: number) => ({
    amount: decimalText(minor, account.currencyCode),
    currencyCode: account.currencyCode,
  });
  return {
    __typename: "StoreCreditAccountCreditTransaction",
    id: credit.id,
    amount: money(credit.amount),
    remainingAmount: money(credit.amount),
    balanceAfterTransaction: money(credit.balanceAfter),
    createdAt: credit.createdAt,
    expiresAt: credit.expiresAt,
    event: "ADJUSTMENT",
    origin: null,
    account: storeCreditAccountNode(account),
  };
}

function mainThemeNode(theme: DoubleShop["mainTheme"]) {
  const files = [
    {
      id: "config/settings_data.json",
      filename: "config/settings_data.json",
      body: { __typename: "OnlineStoreThemeFileBodyText", content: themeSettingsData(theme.tallyEmbed) },
    },
  ];
  return {
    id: gid("OnlineStoreTheme", 1),
    name: theme.name,
    role: "MAIN",
    files: ({ filenames, first }: { filenames?: string[]; first?: number }) =>
      connection(
        files.filter((file) => !filenames || filenames.includes(file.filename)),
        first ?? 50,
      ),
  };
}

function orderNode(order: DoubleOrder, currencyCode: string) {
  const money = (amount: string) => ({ shopMoney: { amount, currencyCode } });
  return {
    __typename: "Order",
    id: gid("Order", order.id),
    name: order.name,
    test: order.test,
    email: order.email,
    createdAt: order.createdAt,
    processedAt: order.processedAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt,
    taxesIncluded: order.taxesIncluded,
    currencyCode,
    displayFinancialStatus: order.displayFinancialStatus,
    discountCodes: order.discountCodes ?? [],
    customAttributes: order.customAttributes ?? [],
    transactions: order.card
      ? [
          {
            paymentDetails: {
              __typename: "CardPaymentDetails",
              bin: order.card.bin,
              number: `•••• •••• •••• ${order.card.lastFour}`,
              company: order.card.company,
            },
          },
        ]
      : [],
    customer: order.customer
      ? { id: gid("Customer", order.customer.id), defaultEmailAddress: { emailAddress: order.customer.email } }
      : null,
    lineItems: ({ first, after }: Page) =>
      connection(
        order.lineItems.map((line) => ({
          id: gid("LineItem", line.id),
          quantity: line.quantity,
          isGiftCard: line.isGiftCard,
          product: line.productId ? { id: gid("Product", line.productId) } : null,
          variant: line.variantId ? { id: gid("ProductVariant", line.variantId) } : null,
          sellingPlan: null,
          customAttributes: line.customAttributes ?? [],
          originalUnitPriceSet: money(line.unitPrice),
          discountAllocations: [
            ...(Number(line.discount)
              ? [
                  {
                    allocatedAmountSet: money(line.discount),
                    discountApplication: { __typename: "ManualDiscountApplication" },
                  },
                ]
              : []),
            ...(line.allocations ?? []).map(allocation),
          ],
          taxLines: () => [],
        })),
        first ?? 50,
        after,
      ),
    shippingLines: ({ first }: Page) =>
      connection(
        (order.shippingLines ?? []).map((line, index) => ({
          id: gid("ShippingLine", `${order.id}${index}`),
          discountAllocations: line.allocations.map(allocation),
        })),
        first ?? 50,
      ),
    refunds: () => order.refunds.map((refund) => ({ id: gid("Refund", refund.id), createdAt: refund.createdAt })),
  };
  function allocation(discount: DoubleDiscountAllocation) {
    return {
      allocatedAmountSet: money(discount.amount),
      discountApplication:
        "code" in discount
          ? { __typename: "DiscountCodeApplication", code: discount.code }
          : { __typename: "AutomaticDiscountApplication", title: discount.title },
    };
  }
}

function refundNode(refund: DoubleOrder["refunds"][number], currencyCode: string) {
  return {
    id: gid("Refund", refund.id),
    createdAt: refund.createdAt,
    refundLineItems: ({ first, after }: Page) =>
      connection(
        refund.lines.map((line, index) => ({
          id: gid("RefundLineItem", refund.id * 100 + index),
          lineItem: { id: gid("LineItem", line.lineItemId) },
          quantity: line.quantity ?? 1,
          subtotalSet: { shopMoney: { amount: line.subtotal, currencyCode } },
        })),
        first ?? 50,
        after,
      ),
  };
}

/**
 * The part of Shopify's search syntax Tally uses: `email:a@b.c` (quoted or not), `id:`, bare
 * words, all of which must match, and `OR` between such groups.
 */
/** Shopify's customer search as the double understands it, parsed once per query (a file import sends 50 terms to scan 100k customers with). */
function customerSearch(query: string | undefined): (customer: DoubleCustomer) => boolean {
  const tokens = query?.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  if (!tokens.length) return () => true;
  const groups: { field: string | undefined; needle: string }[][] = [[]];
  for (const token of tokens) {
    if (token === "OR") {
      groups.push([]);
      continue;
    }
    const separator = token.indexOf(":");
    const [field, value] = separator > 0 ? [token.slice(0, separator), token.slice(separator + 1)] : [undefined, token];
    groups[groups.length - 1]!.push({ field, needle: value.replace(/^"|"$/g, "").toLowerCase() });
  }
  const alternatives = groups.filter((terms) => terms.length > 0);
  if (alternatives.every((terms) => terms.length === 1 && terms[0]!.field === "email")) {
    const emails = new Set(alternatives.map((terms) => terms[0]!.needle));
    return (customer) => emails.has(customer.email.toLowerCase());
  }
  return (customer) =>
    alternatives.some((terms) =>
      terms.every(({ field, needle }) => {
        if (field === "email") return customer.email.toLowerCase() === needle;
        if (field === "id") return String(customer.id) === needle;
        return [customer.email, customer.firstName, customer.lastName].some((v) => v.toLowerCase().includes(needle));
      }),
    );
}

function connection<T extends { id: string }>(items: T[], first: number, after?: string) {
  const start = after ? Number(Buffer.from(after, "base64url").toString()) + 1 : 0;
  const page = items.slice(start, start + first);
  const cursor = (index: number) => Buffer.from(String(start + index)).toString("base64url");
  return {
    edges: page.map((node, index) => ({ cursor: cursor(index), node })),
    nodes: page,
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: page.length ? cursor(0) : null,
      endCursor: page.length ? cursor(page.length - 1) : null,
    },
  };
}

function userErrorRoot(operation: OperationDefinitionNode, userErrors: unknown[]) {
  const root: Record<string, unknown> = {};
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD) root[selection.name.value] = { userErrors };
  }
  return root;
}

/** Shopify's cost rules, simplified: objects cost 1, connections multiply by `first`/`last`. */
export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  if (operation.operation === "mutation") return MUTATION_COST;
  const root = schema.getQueryType();
  return root ? Math.max(1, selectionCost(schema, root, operation.selectionSet, variables)) : 1;
}

function selectionCost(
  schema: GraphQLSchema,
  parent: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  variables: Record<string, unknown>,
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
      if (type && isObjectType(type)) cost += selectionCost(schema, type, selection.selectionSet, variables);
      continue;
    }
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    const field = parent.getFields()[selection.name.value];
    if (!field) continue;
    const type = getNamedType(field.type);
    const childCost = isObjectType(type)
      ? 1 + selectionCost(schema, type, selection.selectionSet, variables)
      : 1 +
        Math.max(
          0,
          ...schema
            .getPossibleTypes(type as never)
            .map((t) => selectionCost(schema, t, selection.selectionSet!, variables)),
        );
    const pageArg = selection.arguments?.find((arg) => ["first", "last", "ids"].includes(arg.name.value));
    const argValue = pageArg?.value.kind === Kind.VARIABLE ? variables[pageArg.value.name.value] : undefined;
    const pageSize =
      pageArg?.value.kind === Kind.INT
        ? Number(pageArg.value.value)
        : pageArg?.value.kind === Kind.LIST
          ? pageArg.value.values.length
          : Array.isArray(argValue)
            ? argValue.length
            : Number(argValue ?? 1);
    const isList = isListType(getNullableType(field.type)) || type.name.endsWith("Connection");
    cost += isList ? 2 + childCost * pageSize : childCost;
  }
  return cost;
}

/** Shopify's actual cost, roughly: one point per object returned. */
function objectsIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + objectsIn(item), 0);
  if (value && typeof value === "object")
    return 1 + Object.values(value).reduce((sum: number, item) => sum + objectsIn(item), 0);
  return 0;
}

function throttled(
  requestedCost: number,
  available: number,
  limits: { maximumAvailable: number; restoreRate: number },
) {
  return {
    errors: [
      {
        message: "Throttled",
        extensions: {
          code: "THROTTLED",
          documentation: "https://shopify.dev/api/usage/rate-limits",
        },
      },
    ],
    extensions: {
      cost: {
        requestedQueryCost: requestedCost,
        actualQueryCost: null,
        throttleStatus: { ...limits, currentlyAvailable: Math.floor(available) },
      },
    },
  };
}

function formatError(error: GraphQLError, code = "GRAPHQL_VALIDATION_FAILED") {
  return { message: error.message, locations: error.locations, path: error.path, extensions: { code } };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** The raw body, or null past `maxBytes` (the rest is left unread). */
function readRawBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.pause();
        resolve(null);
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function sendHtml(response: ServerResponse, status: number, html: string) {
  response.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
  response.end(html);
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}
