// `npm start` checks its whole environment before it opens anything, and refuses to start
// with one line per problem.
import { describe, expect, it } from "vitest";
import { TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { freePort, startProcess } from "./support/process";

async function startFailure(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const started = startProcess(["server.ts"], {
    env: {
      HOST: "127.0.0.1",
      PORT: String(port),
      NODE_ENV: "production",
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_API_SECRET,
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      SCOPES: "write_customers",
      DATABASE_URL: "",
      PGLITE_DATA_DIR: "",
      SHOPIFY_ADMIN_API_ORIGIN: "",
      ...env,
    },
    ready: /server\.listening/,
  });
  const outcome = await started.then(
    async (server) => {
      await server.stop("SIGTERM");
      return "it started";
    },
    (error: Error) => error.message,
  );
  return outcome;
}

describe("npm start with a bad environment", () => {
  it("refuses to start in production without DATABASE_URL unless the embedded database is asked for", async () => {
    const output = await startFailure({});
    expect(output).toMatch(/^exited with 1 before it was ready/);
    expect(output).toContain("Tally cannot start: the environment is invalid.");
    expect(output).toContain(
      "  - DATABASE_URL is required in production (to run on the embedded database on purpose — one instance only — set PGLITE_DATA_DIR instead)",
    );
    expect(output).not.toMatch(/\n\s+at /); // the problems, not a stack trace
  });

  it("refuses the Admin API double in production, and lists every other problem beside it", async () => {
    const output = await startFailure({
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/tally",
      SHOPIFY_ADMIN_API_ORIGIN: "http://127.0.0.1:4000",
      SHOPIFY_API_SECRET: "",
      DATABASE_POOL_MAX: "lots",
    });
    expect(output).toMatch(/^exited with 1 before it was ready/);
    expect(output.match(/^ {2}- .*$/gm)).toEqual([
      "  - DATABASE_POOL_MAX must be a whole number",
      "  - SHOPIFY_API_SECRET is required: the app's client secret; it verifies webhooks, App Proxy requests and session tokens",
      "  - SHOPIFY_ADMIN_API_ORIGIN must not be set in production: it sends every Admin API call to a local double instead of the shop",
    ]);
  });
});
