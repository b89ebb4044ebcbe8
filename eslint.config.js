import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // The theme extension's assets/*.js are built from its src/ (scripts/build-theme-extension.ts), minified.
  { ignores: ["build/", "node_modules/", "data/", ".cache/", "bench/results/", "extensions/tally-theme/assets/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: "readonly",
        process: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        URLSearchParams: "readonly",
        fetch: "readonly",
        Response: "readonly",
        Request: "readonly",
        Headers: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "liquidjs", message: "Liquid renders the sandbox's storefront preview only (sandbox/storefront)" },
          ],
          patterns: [
            {
              group: ["**/sandbox/*", "../sandbox/*", "../../sandbox/*"],
              message: "app/ must not depend on the sandbox",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["test/**", "sandbox/**", "scripts/**", "server.ts", "**/*.test.ts", "**/*.test.tsx"],
    rules: { "no-restricted-imports": "off" },
  },
);
