import { writeFileSync } from "node:fs";
import path from "node:path";
import { vitePlugin as remix } from "@remix-run/dev";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

/**
 * Writes build/server/bundle-contents.json: the modules the server bundle is made of (paths from
 * the project root) and the packages it imports, so test/production-bundle.test.ts can prove
 * that no sandbox code ships. Written beside index.js and outside Vite's manifest, so Remix never
 * moves it to the client's assets: only build/client is served.
 */
function serverBundleContents(): Plugin {
  let ssr = false;
  let root = "";
  return {
    name: "tally:server-bundle-contents",
    apply: "build",
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
      root = config.root;
    },
    writeBundle(options, bundle) {
      if (!ssr || !options.dir) return;
      const modules = new Set<string>();
      const imports = new Set<string>();
      for (const output of Object.values(bundle)) {
        if (output.type !== "chunk") continue;
        for (const id of Object.keys(output.modules)) modules.add(path.isAbsolute(id) ? path.relative(root, id) : id);
        // Another chunk of this bundle, or a package left to node_modules.
        for (const id of [...output.imports, ...output.dynamicImports]) if (!bundle[id]) imports.add(id);
      }
      const contents = { modules: [...modules].sort(), imports: [...imports].sort() };
      writeFileSync(path.join(options.dir, "bundle-contents.json"), `${JSON.stringify(contents, null, 2)}\n`);
    },
  };
}

// Vitest loads this file too; the Remix plugin must stay out of test runs.
const remixPlugin = process.env.VITEST
  ? []
  : [
      remix({
        ignoredRouteFiles: ["**/.*", "**/*.test.ts", "**/*.test.tsx"],
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_lazyRouteDiscovery: true,
          v3_singleFetch: true,
          v3_routeConfig: false,
        },
      }),
      serverBundleContents(),
    ];

export default defineConfig({
  server: {
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 3000),
  },
  plugins: [...remixPlugin, tsconfigPaths()],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
  test: {
    include: [
      "app/**/*.test.ts",
      "app/**/*.test.tsx",
      "sandbox/**/*.test.ts",
      "test/**/*.test.ts",
      "extensions/**/*.test.{ts,tsx}",
    ],
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/bigint-equality.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
    env: { NODE_ENV: "test" },
    silent: "passed-only",
  },
});
