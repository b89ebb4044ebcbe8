import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/*
 * Sandbox code stays out of production (docs/decisions/0018-sandbox-outside-the-production-bundle.md).
 * The server bundle under test is the one `npm run build` writes (test/support/global-setup.ts
 * rebuilds it when it is older than its sources); vite.config.ts's serverBundleContents lists the
 * modules it is made of and the packages it imports.
 */

const SERVER_BUILD = path.resolve("build/server");

interface BundleContents {
  /** Paths from the project root (Remix's virtual modules as they are). */
  modules: string[];
  /** Packages and Node built-ins the bundle imports at run time. */
  imports: string[];
}

const contents = () =>
  JSON.parse(readFileSync(path.join(SERVER_BUILD, "bundle-contents.json"), "utf8")) as BundleContents;

const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

function javascriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return javascriptFiles(full);
    return /\.[cm]?js$/.test(entry.name) ? [full] : [];
  });
}

describe("the production server bundle", () => {
  it("is listed module by module (the list covers the app)", () => {
    const { modules } = contents();
    expect(modules).toContain("app/root.tsx");
    expect(modules).toContain("app/routes/app.tsx");
    expect(modules).toContain("app/edge/app-proxy.server.ts");
  });

  it("holds no module of sandbox/ and no route under /sandbox/", () => {
    const sandboxCode = contents().modules.filter(
      (id) => id.startsWith("sandbox/") || /^app\/routes\/sandbox[./]/.test(id),
    );
    expect(sandboxCode).toEqual([]);
  });

  it("neither bundles nor imports liquidjs, the storefront preview's template engine", () => {
    const { modules, imports } = contents();
    expect(modules.filter((id) => id.includes("node_modules/liquidjs/"))).toEqual([]);
    expect(imports.filter((specifier) => packageOf(specifier) === "liquidjs")).toEqual([]);
    // The same on the bundle's own text, whatever the list says.
    const importing = javascriptFiles(SERVER_BUILD).filter((file) =>
      /["']liquidjs(\/[^"']*)?["']/.test(readFileSync(file, "utf8")),
    );
    expect(importing.map((file) => path.relative(SERVER_BUILD, file))).toEqual([]);
  });

  it("needs no sandbox package to install: liquidjs is a dev dependency", () => {
    const manifest = JSON.parse(readFileSync("package.json", "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies)).not.toContain("liquidjs");
    expect(Object.keys(manifest.devDependencies)).toContain("liquidjs");
  });
});
