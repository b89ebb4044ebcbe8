import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "smol-toml";
import { afterAll, describe, expect, it } from "vitest";
import { buildExtensions, describeReport, uiExtensions } from "../scripts/build-extensions";

/**
 * The checkout and customer-account extensions, bundled by Shopify CLI's own bundler (offline,
 * as `shopify app build` does before a deploy), stay within their size budgets — compressed, the
 * unit Shopify enforces (64 KB per extension, 128 KB for a full-page customer account one).
 * Budgets, not timings: a failure here means a dependency or a feature made a bundle too heavy.
 */

const URL = "https://tally.example.com";
const outDirs = [
  await mkdtemp(join(tmpdir(), "tally-bundles-cli-")),
  await mkdtemp(join(tmpdir(), "tally-bundles-esbuild-")),
];
const [cliOut, esbuildOut] = outDirs as [string, string];
const reports = await buildExtensions({ bundler: "shopify-cli", outDir: cliOut, url: URL });
const extensions = await uiExtensions();
afterAll(() => Promise.all(outDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe("UI extension bundles (Shopify CLI build)", () => {
  it("builds every UI extension: the checkout, customer account, survey and POS ones", () => {
    expect(reports.map((r) => r.handle)).toEqual(
      expect.arrayContaining(["tally-checkout", "tally-customer-account", "tally-survey", "tally-pos"]),
    );
  });

  for (const report of reports) {
    it(`${describeReport(report)}`, async () => {
      expect(report.gzip).toBeLessThanOrEqual(report.budget);
      expect(report.brotli).toBeLessThanOrEqual(report.budget);
      expect(report.raw).toBeLessThanOrEqual(64 * 1024);

      const code = await readFile(report.file, "utf8");
      // The app's URL is a literal; nothing is left to read from a `process` the sandbox lacks.
      expect(code).toContain(JSON.stringify(URL));
      expect(code).not.toMatch(/process\.env/);
      // Preact, not React; each target of the TOML registered with shopify.extend.
      expect(code).not.toMatch(/react-dom|React\.createElement/);
      for (const { target } of extensions.find((e) => e.handle === report.handle)!.targets) {
        expect(code).toContain(`shopify.extend("${target}"`);
      }
    });
  }

  it("is what scripts/build-extensions.ts --esbuild produces too, byte for byte (the fallback without the CLI)", async () => {
    const mirrored = await buildExtensions({ bundler: "esbuild", outDir: esbuildOut, url: URL });
    for (const report of reports) {
      const twin = mirrored.find((r) => r.handle === report.handle)!;
      expect(await readFile(twin.file, "utf8")).toBe(await readFile(report.file, "utf8"));
    }
  });
});

const installed = JSON.parse(await readFile("node_modules/@shopify/ui-extensions/package.json", "utf8")) as {
  version: string;
};
const [year, month] = installed.version.split(".");

describe("UI extension configuration", () => {
  for (const extension of extensions) {
    // POS extensions have no capabilities to ask for: they may call the app's backend as they are.
    const pos = extension.targets.every(({ target }) => target.startsWith("pos."));
    it(`${extension.handle}: API ${extension.apiVersion} (the installed @shopify/ui-extensions ${installed.version}), ${pos ? "no capabilities" : "network access only"}`, async () => {
      expect(extension.apiVersion).toBe(`${year}-${month!.padStart(2, "0")}`);
      const toml = parse(await readFile(join(extension.directory, "shopify.extension.toml"), "utf8")) as {
        extensions: { capabilities?: { network_access?: boolean; api_access?: boolean } }[];
      };
      expect(toml.extensions[0]!.capabilities).toEqual(pos ? undefined : { network_access: true, api_access: false });
      // Strings come from the extension's locale file, the native localization API.
      const messages = JSON.parse(await readFile(join(extension.directory, "locales", "en.default.json"), "utf8"));
      expect(Object.keys(messages).length).toBeGreaterThan(0);
    });
  }
});
