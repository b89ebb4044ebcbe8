import { z } from "zod";

// An empty variable (`DATABASE_URL=` in a .env or a test) means "unset".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
const required = (what: string) => z.string({ error: `is required: ${what}` }).min(1, `is required: ${what}`);

const databaseVariables = {
  NODE_ENV: z
    .enum(["production", "development", "test"], { error: "must be production, development or test" })
    .default("development"),
  DATABASE_URL: optional(
    z.url({
      protocol: /^postgres(ql)?$/,
      error: "must be a PostgreSQL URL: postgresql://user:password@host:5432/database",
    }),
  ),
  PGLITE_DATA_DIR: optional(z.string()),
  DATABASE_POOL_MAX: optional(
    z.coerce
      .number({ error: "must be a whole number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(500, "must be at most 500"),
  ),
};

const databaseSchema = z.object(databaseVariables);

/** Shopify billing (docs/billing.md): off for a private install, where no plan is asked for and shoppers always see the program. */
const billingVariable = z.preprocess(
  (value) => (value === "" ? undefined : value),
  z.enum(["on", "off"], { error: "must be on or off" }).default("on"),
);

const environmentSchema = z.object({
  ...databaseVariables,
  SHOPIFY_API_KEY: required("the app's client id (Partner Dashboard → the app → Client credentials)"),
  SHOPIFY_API_SECRET: required("the app's client secret; it verifies webhooks, App Proxy requests and session tokens"),
  SHOPIFY_APP_URL: z.url({ error: "must be the app's public URL, for example https://tally.example.com" }),
  SCOPES: required("the access scopes of shopify.app.toml, comma-separated").transform((scopes) => scopes.split(",")),
  SHOP_CUSTOM_DOMAIN: optional(z.string()),
  SHOPIFY_ADMIN_API_ORIGIN: optional(
    z.url({ error: "must be a URL (the local Admin API double of the demo and tests)" }),
  ),
  TALLY_JOBS: optional(z.enum(["on", "off"], { error: "must be on or off" })),
  TALLY_INBOX_APPLIER: optional(z.enum(["on", "off"], { error: "must be on or off" })),
  TALLY_BILLING: billingVariable,
  /** What the Shopify app library logs; its info is a line for every request it authenticates. */
  SHOPIFY_LOG_LEVEL: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .enum(["error", "warning", "info", "debug"], { error: "must be error, warning, info or debug" })
      .default("warning"),
  ),
  TALLY_SANDBOX_SHOP: optional(z.string()),
  /** Proxies in front of Tally that append to X-Forwarded-For (the App Proxy is one, a load balancer another). */
  TALLY_TRUSTED_PROXY_HOPS: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce
      .number({ error: "must be a whole number from 0 to 10" })
      .int("must be a whole number from 0 to 10")
      .min(0)
      .max(10)
      .default(0),
  ),
});

type Source = Record<string, string | undefined>;
const isProduction = (source: Source) => source.NODE_ENV === "production";

// Rules across variables, checked on the raw values so they are reported beside the schema's
// own problems (zod skips an object's refinements once a field is invalid).
function databaseProblems(source: Source): string[] {
  // Several instances would each write to their own embedded database and split a shop's data.
  return isProduction(source) && !source.DATABASE_URL && !source.PGLITE_DATA_DIR
    ? [
        "DATABASE_URL is required in production (to run on the embedded database on purpose — one instance only — set PGLITE_DATA_DIR instead)",
      ]
    : [];
}

function shopifyProblems(source: Source): string[] {
  return isProduction(source) && source.SHOPIFY_ADMIN_API_ORIGIN
    ? [
        "SHOPIFY_ADMIN_API_ORIGIN must not be set in production: it sends every Admin API call to a local double instead of the shop",
      ]
    : [];
}

export type ServerEnvironment = z.infer<typeof environmentSchema>;

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Tally cannot start: the environment is invalid.\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "EnvironmentError";
  }
}

function parseWith<T>(schema: z.ZodType<T>, source: Source, rules: ((source: Source) => string[])[]): T {
  const result = schema.safeParse(source);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`)),
    ...rules.flatMap((rule) => rule(source)),
  ];
  if (problems.length || !result.success) throw new EnvironmentError(problems);
  return result.data;
}

/** Checks the whole environment and lists every problem at once (one line each). */
export function parseEnvironment(source: Source): ServerEnvironment {
  return parseWith(environmentSchema, source, [databaseProblems, shopifyProblems]);
}

/** What the scripts that only open the database (setup, jobs, worker) need of the environment. */
export function databaseEnvironment(source: Source = process.env) {
  const env = parseWith(databaseSchema, source, [databaseProblems]);
  return { databaseUrl: env.DATABASE_URL, pgliteDir: env.PGLITE_DATA_DIR, poolMax: env.DATABASE_POOL_MAX };
}

/**
 * TALLY_BILLING alone, for code that runs in the app and in the job scripts alike (those check only
 * the database's variables): the app checked it with the rest at start-up.
 */
export function billingMode(source: Source = process.env): "on" | "off" {
  // Every shopper request asks: parsed again only when the value changed.
  const raw = source.TALLY_BILLING;
  if (lastBilling && lastBilling.raw === raw) return lastBilling.mode;
  const mode = parseWith(billingSchema, { TALLY_BILLING: raw }, []).TALLY_BILLING;
  lastBilling = { raw, mode };
  return mode;
}

const billingSchema = z.object({ TALLY_BILLING: billingVariable });
let lastBilling: { raw: string | undefined; mode: "on" | "off" } | undefined;

let current: ServerEnvironment | undefined;

/** The server's environment, validated once, on first use (at start-up: the database opens first). */
export function serverEnvironment(): ServerEnvironment {
  return (current ??= parseEnvironment(process.env));
}
