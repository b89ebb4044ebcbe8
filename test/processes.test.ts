import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SANDBOX, SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_KEY, TEST_API_SECRET } from "./support/constants";
import { freePort, startProcess } from "./support/process";

const dataDirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tally-process-test-"));
  dataDirs.push(dir);
  return path.join(dir, "pglite");
};
afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const browse = (url: string) => fetch(url, { headers: { "User-Agent": BROWSER_USER_AGENT } });

describe("npm run demo", () => {
  it("serves the sandbox shop's admin and storefront until Ctrl-C, then stops cleanly", async () => {
    const port = await freePort();
    const demo = await startProcess(["node_modules/tsx/dist/cli.mjs", "scripts/demo.ts"], {
      env: { PORT: String(port), PGLITE_DATA_DIR: dataDir(), DATABASE_URL: "" },
      ready: /Ctrl-C stops/,
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      expect(demo.output()).toContain(`${url}/sandbox/login`);
      expect(await (await browse(`${url}/healthz`)).json()).toEqual({ ok: true });

      const admin = await browse(`${url}/sandbox/login`);
      expect(admin.status).toBe(200);
      const html = await admin.text();
      expect(html).toContain("Polaris-Page");
      expect(html).toContain(`Loyalty program for ${SANDBOX.name}`);

      // A paid order from a sandbox customer, as `npm run demo:order` sends it.
      const order = await startProcess(
        ["node_modules/tsx/dist/cli.mjs", "scripts/demo-order.ts", String(SANDBOX_CUSTOMERS[1]!.id), "120"],
        {
          env: { TALLY_URL: url },
          ready: /HTTP \d+/,
        },
      );
      expect(order.output()).toContain("HTTP 200");
      await order.stop();
      const home = await (await browse(`${url}/sandbox/login`)).text();
      expect(home).toMatch(/Points outstanding.*?120/s);

      const query = appProxyQuery({ shop: SANDBOX.shop, customerId: SANDBOX_CUSTOMERS[0]!.id }, SANDBOX.apiSecret);
      const storefront = await browse(`${url}/proxy/status?${query}`);
      expect(await storefront.json()).toEqual({
        shop: SANDBOX.shop,
        customer: { id: String(SANDBOX_CUSTOMERS[0]!.id) },
      });
    } finally {
      expect(await demo.stop("SIGINT")).toBe(0);
    }
    expect(demo.output()).toContain("Tally stopped.");
  });
});

describe("npm start", () => {
  it("serves the build on HOST and PORT with the embedded database, and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const server = await startProcess(["server.ts"], {
      env: {
        HOST: "127.0.0.1",
        PORT: String(port),
        NODE_ENV: "production",
        PGLITE_DATA_DIR: dataDir(),
        DATABASE_URL: "",
        SHOPIFY_API_KEY: TEST_API_KEY,
        SHOPIFY_API_SECRET: TEST_API_SECRET,
        SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
        SCOPES: "write_customers",
        // Set by mistake in production: the sandbox login must still be impossible.
        TALLY_SANDBOX_SHOP: SANDBOX.shop,
        SHOPIFY_ADMIN_API_ORIGIN: "",
      },
      ready: /server\.listening/,
    });
    try {
      expect(await (await browse(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ ok: true });
      expect((await browse(`http://127.0.0.1:${port}/sandbox/login`)).status).toBe(404);
    } finally {
      expect(await server.stop("SIGTERM")).toBe(0);
    }
  });
});
