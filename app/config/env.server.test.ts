import { describe, expect, it } from "vitest";
import { EnvironmentError, parseEnvironment } from "./env.server";

const VALID = {
  NODE_ENV: "production",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://tally.example.com",
  SCOPES: "read_orders,write_customers",
  DATABASE_URL: "postgresql://tally:pw@db.internal:5432/tally",
};

const problems = (env: Record<string, string | undefined>) => {
  try {
    parseEnvironment(env);
    return [];
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    return error.problems;
  }
};

describe("the environment", () => {
  it("accepts a complete production environment and treats empty variables as unset", () => {
    expect(parseEnvironment({ ...VALID, PGLITE_DATA_DIR: "", DATABASE_POOL_MAX: "20" })).toMatchObject({
      SCOPES: ["read_orders", "write_customers"],
      DATABASE_POOL_MAX: 20,
      PGLITE_DATA_DIR: undefined,
    });
  });

  it("names every problem once, one line each", () => {
    expect(
      problems({
        NODE_ENV: "production",
        SHOPIFY_APP_URL: "tally",
        DATABASE_POOL_MAX: "ten",
        DATABASE_URL: "mysql://x/y",
      }),
    ).toEqual([
      expect.stringMatching(/^DATABASE_URL must be a PostgreSQL URL/),
      expect.stringMatching(/^DATABASE_POOL_MAX must be a whole number/),
      expect.stringMatching(/^SHOPIFY_API_KEY is required/),
      expect.stringMatching(/^SHOPIFY_API_SECRET is required/),
      expect.stringMatching(/^SHOPIFY_APP_URL must be the app's public URL/),
      expect.stringMatching(/^SCOPES is required/),
    ]);
  });

  it("in production, needs DATABASE_URL unless the embedded database is asked for, and refuses the Admin API double", () => {
    expect(problems({ ...VALID, DATABASE_URL: "" })).toEqual([
      expect.stringMatching(/^DATABASE_URL is required in production .*PGLITE_DATA_DIR/),
    ]);
    expect(problems({ ...VALID, DATABASE_URL: "", PGLITE_DATA_DIR: "/var/lib/tally" })).toEqual([]);
    expect(problems({ ...VALID, SHOPIFY_ADMIN_API_ORIGIN: "http://127.0.0.1:4000" })).toEqual([
      expect.stringMatching(/^SHOPIFY_ADMIN_API_ORIGIN must not be set in production/),
    ]);
    expect(
      problems({
        ...VALID,
        NODE_ENV: "development",
        DATABASE_URL: "",
        SHOPIFY_ADMIN_API_ORIGIN: "http://127.0.0.1:4000",
      }),
    ).toEqual([]);
  });

  it("keeps the Shopify library's line per admin request out of the log unless SHOPIFY_LOG_LEVEL asks for it", () => {
    expect(parseEnvironment(VALID).SHOPIFY_LOG_LEVEL).toBe("warning");
    expect(parseEnvironment({ ...VALID, SHOPIFY_LOG_LEVEL: "" }).SHOPIFY_LOG_LEVEL).toBe("warning");
    expect(parseEnvironment({ ...VALID, SHOPIFY_LOG_LEVEL: "info" }).SHOPIFY_LOG_LEVEL).toBe("info");
    expect(problems({ ...VALID, SHOPIFY_LOG_LEVEL: "loud" })).toEqual([
      "SHOPIFY_LOG_LEVEL must be error, warning, info or debug",
    ]);
  });
});
