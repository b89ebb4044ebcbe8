import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Integration tests run the production build; `npm test` builds first, a bare `vitest` here. */
export default function setup() {
  if (!existsSync("build/server/index.js")) {
    execSync("npx remix vite:build", { stdio: "inherit" });
  }
}
