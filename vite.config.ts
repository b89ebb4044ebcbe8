import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
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
