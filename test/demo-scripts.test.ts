import { execFile } from "node:child_process";
import net from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./support/test-app";

const run = promisify(execFile);

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the demo's helper scripts when no demo is running", () => {
  for (const script of ["scripts/demo-order.ts", "scripts/demo-proxy.ts"]) {
    it(`${script} says to start the demo, in one line, and exits 1`, async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const failure = await run("npx", ["tsx", script], { env: { ...process.env, TALLY_URL: url } }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr.trim()).toBe(
        `Nothing answers at ${url}: start \`npm run demo\` in another terminal first (or set TALLY_URL).`,
      );
    });
  }
});

describe("the app's icon", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("is served where browsers ask for it, so no page load ends in a missing-route error", async () => {
    for (const [file, type] of [
      ["/favicon.ico", /icon/],
      ["/favicon.svg", /image\/svg\+xml/],
    ] as const) {
      const response = await fetch(`${app.url}${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get("content-type"), file).toMatch(type);
    }
  });
});
