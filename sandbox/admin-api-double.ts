import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
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
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { loadAdminSchema } from "./admin-schema";

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
}

export interface DoubleShop {
  domain: string;
  accessToken: string;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  customers: DoubleCustomer[];
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

export type Fault =
  | { kind: "throttled" }
  | { kind: "http"; status: number; retryAfterSeconds?: number }
  | { kind: "graphql"; message: string; code?: string }
  | { kind: "userErrors"; userErrors: { field: string[] | null; message: string; code?: string }[] };

interface QueuedFault {
  fault: Fault;
  operationName?: string;
  remaining: number;
}

const BUCKET_SIZE = 2000;
const RESTORE_RATE = 100;
const MUTATION_COST = 10;

interface Bucket {
  available: number;
  readAt: number;
}

const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;
const legacyId = (globalId: unknown) => String(globalId).split("/").pop() ?? "";

export class AdminApiDouble {
  readonly calls: RecordedCall[] = [];
  private readonly shops = new Map<string, DoubleShop>();
  private readonly buckets = new Map<string, Bucket>();
  private faults: QueuedFault[] = [];

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

  addShop(shop: Omit<DoubleShop, "customers"> & { customers?: DoubleCustomer[] }): DoubleShop {
    const stored: DoubleShop = { ...shop, customers: shop.customers ?? [] };
    this.shops.set(shop.domain, stored);
    return stored;
  }

  shop(domain: string): DoubleShop {
    const shop = this.shops.get(domain);
    if (!shop) throw new Error(`The double has no shop ${domain}`);
    return shop;
  }

  /** The next `times` matching operations fail with `fault` (any operation unless named). */
  failNext(fault: Fault, options: { operationName?: string; times?: number } = {}) {
    this.faults.push({ fault, operationName: options.operationName, remaining: options.times ?? 1 });
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
    this.buckets.clear();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    try {
      const route = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(new URL(request.url ?? "/", this.origin).pathname);
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

    const fault = this.takeFault(call.operationName);
    if (fault?.kind === "http") {
      return { status: fault.status, payload: { errors: `HTTP ${fault.status}` }, call };
    }
    const bucket = this.refill(shop.domain);
    if (fault?.kind === "throttled" || requestedCost > bucket.available) {
      return { status: 200, payload: throttled(requestedCost, fault ? 0 : bucket.available), call };
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
          : this.mutationRoot();
    const result = execute({ schema, document, rootValue, variableValues: variables, operationName: body.operationName });
    if (result instanceof Promise) throw new Error("The double resolves synchronously");
    const extensions = {
      cost: {
        requestedQueryCost: requestedCost,
        actualQueryCost: requestedCost,
        throttleStatus: { maximumAvailable: BUCKET_SIZE, currentlyAvailable: bucket.available, restoreRate: RESTORE_RATE },
      },
    };
    return {
      status: 200,
      payload: { ...(result.errors ? { errors: result.errors.map((error) => formatError(error, "INTERNAL_SERVER_ERROR")) } : {}), data: result.data, extensions },
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
    const bucket = this.buckets.get(shop) ?? { available: BUCKET_SIZE, readAt: now };
    bucket.available = Math.min(BUCKET_SIZE, bucket.available + ((now - bucket.readAt) / 1000) * RESTORE_RATE);
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
      defaultEmailAddress: { emailAddress: customer.email },
    });
    return {
      shop: {
        id: gid("Shop", 1),
        name: shop.name,
        email: shop.email,
        currencyCode: shop.currencyCode,
        ianaTimezone: shop.ianaTimezone,
        myshopifyDomain: shop.domain,
      },
      customer: ({ id }: { id: string }) => {
        const customer = shop.customers.find((c) => String(c.id) === legacyId(id));
        return customer ? customerNode(customer) : null;
      },
      customers: ({ first, after, query }: { first?: number; after?: string; query?: string }) => {
        const matching = shop.customers.filter((customer) => matchesSearch(customer, query));
        return connection(matching.map(customerNode), first ?? 50, after);
      },
    };
  }

  private mutationRoot() {
    return {};
  }
}

/** `email:a@b.c` and bare words, the part of Shopify's search syntax Tally uses. */
function matchesSearch(customer: DoubleCustomer, query: string | undefined): boolean {
  if (!query) return true;
  return query
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => {
      const [field, value] = term.includes(":") ? term.split(":", 2) : [undefined, term];
      const needle = (value ?? "").replace(/^"|"$/g, "").toLowerCase();
      if (field === "email") return customer.email.toLowerCase() === needle;
      if (field === "id") return String(customer.id) === needle;
      return [customer.email, customer.firstName, customer.lastName].some((v) => v.toLowerCase().includes(needle));
    });
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
function queryCost(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  if (operation.operation === "mutation") return MUTATION_COST;
  const root = schema.getQueryType();
  return root ? Math.max(1, selectionCost(root, operation.selectionSet, variables)) : 1;
}

function selectionCost(parent: GraphQLObjectType, selectionSet: SelectionSetNode, variables: Record<string, unknown>): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    const field = parent.getFields()[selection.name.value];
    if (!field) continue;
    const type = getNamedType(field.type);
    const childCost = isObjectType(type) ? 1 + selectionCost(type, selection.selectionSet, variables) : 1;
    const pageArg = selection.arguments?.find((arg) => arg.name.value === "first" || arg.name.value === "last");
    const pageSize =
      pageArg?.value.kind === Kind.INT
        ? Number(pageArg.value.value)
        : pageArg?.value.kind === Kind.VARIABLE
          ? Number(variables[pageArg.value.name.value] ?? 1)
          : 1;
    const isList = isListType(getNullableType(field.type)) || type.name.endsWith("Connection");
    cost += isList ? 2 + childCost * pageSize : childCost;
  }
  return cost;
}

function throttled(requestedCost: number, available: number) {
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
        throttleStatus: { maximumAvailable: BUCKET_SIZE, currentlyAvailable: Math.floor(available), restoreRate: RESTORE_RATE },
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

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}
