import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The layers of app/ (docs/decisions/0017-layout-by-subdomain.md): a file may import from its own
// folder and from any folder ranked below it, never from one above it or from a peer of the same rank.
// `edge` sits on the domain: Shopify's requests (webhooks, App Proxy, extensions, Flow) authenticated
// in app/shopify, with the installed shop and the program that runs (loyalty/program) loaded.
const LAYERS: Array<[layer: string, rank: number, paths: string[]]> = [
  ["types", 0, ["app/types", "app/locales", "app/languages.ts", "app/language-match.ts"]],
  ["config", 1, ["app/config", "app/i18n.ts", "app/i18n.server.ts", "app/shopper-text"]],
  ["money", 1, ["app/money"]],
  ["db", 2, ["app/db", "app/db.server.ts"]],
  ["http", 3, ["app/http"]],
  ["shopify", 4, ["app/shopify", "app/shopify.server.ts"]],
  ["loyalty/program", 11, ["app/loyalty/program"]],
  ["loyalty/points", 12, ["app/loyalty/points"]],
  // Paid membership: orders grant it and it changes what they earn; rewards ask whether a member pays.
  ["loyalty/membership", 12.5, ["app/loyalty/membership"]],
  ["loyalty/rewards", 13, ["app/loyalty/rewards"]],
  ["loyalty/tiers", 13, ["app/loyalty/tiers"]],
  // Challenges and badges advance from orders, actions and referrals; offers change what orders earn.
  ["loyalty/engagement", 13.5, ["app/loyalty/engagement"]],
  ["loyalty/offers", 13.5, ["app/loyalty/offers"]],
  ["loyalty/referrals", 14, ["app/loyalty/referrals"]],
  ["loyalty/actions", 14, ["app/loyalty/actions"]],
  ["loyalty/partners", 14, ["app/loyalty/partners"]],
  ["loyalty/billing", 14, ["app/loyalty/billing"]],
  ["loyalty/campaigns", 14, ["app/loyalty/campaigns"]],
  // Surveys award points for an order's answer; a cancelled order takes them back (orders call it).
  ["loyalty/surveys", 14, ["app/loyalty/surveys"]],
  // Giving back: orders record their donations (and the bonus); members give points.
  ["loyalty/giving", 14, ["app/loyalty/giving"]],
  ["loyalty/orders", 15, ["app/loyalty/orders"]],
  ["loyalty/members", 16, ["app/loyalty/members"]],
  ["loyalty/flow-actions", 17, ["app/loyalty/flow-actions"]],
  ["loyalty/reports", 18, ["app/loyalty/reports"]],
  ["edge", 19, ["app/edge"]],
  ["jobs", 20, ["app/jobs"]],
  ["storefront", 30, ["app/storefront"]],
  // The admin's pages (one folder each) share app/admin/common; common never imports a page.
  ["admin/common", 29, ["app/admin/common"]],
  ["admin", 30, ["app/admin"]],
  ["process", 35, ["app/server-lifecycle.server.ts"]],
  ["routes", 40, ["app/routes", "app/root.tsx", "app/entry.server.tsx", "app/route-body-limits.server.ts"]],
];

function layerOf(file: string): [string, number] {
  let best: [string, number, number] | undefined;
  for (const [layer, rank, paths] of LAYERS) {
    for (const folder of paths) {
      if ((file === folder || file.startsWith(folder + "/")) && (!best || folder.length > best[2])) {
        best = [layer, rank, folder.length];
      }
    }
  }
  if (!best) throw new Error(`${file} belongs to no layer: add its folder to LAYERS`);
  return [best[0], best[1]];
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function resolveImport(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("~/")) base = path.join("app", specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.join(path.dirname(from), specifier);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${from} imports ${specifier}, which does not exist`);
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^"';]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

// Requests never reach into the jobs: a service that both need lives in app/loyalty/; only the
// process lifecycle starts the scheduler.
const ONLY_IMPORTED_BY: Record<string, string[]> = { jobs: ["process"] };

function upwardImports(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles("app")) {
    const [layer, rank] = layerOf(file);
    for (const match of fs.readFileSync(file, "utf8").matchAll(IMPORT)) {
      const target = resolveImport(file, match[1] ?? match[2]!);
      if (!target) continue;
      const [targetLayer, targetRank] = layerOf(target);
      if (targetLayer === layer) continue;
      const allowed = ONLY_IMPORTED_BY[targetLayer];
      if (targetRank >= rank || (allowed && !allowed.includes(layer))) found.push(`${file} → ${target}`);
    }
  }
  return found;
}

describe("the layers of app/", () => {
  it("every file imports only from its own folder and the layers below it", () => {
    expect(upwardImports()).toEqual([]);
  });

  it("sees an upward import (the check itself works)", () => {
    const probe = "app/db/layers-probe.ts";
    fs.writeFileSync(
      probe,
      'import { MAX_POINTS } from "~/loyalty/program/program";\nexport const probe = MAX_POINTS;\n',
    );
    try {
      expect(upwardImports()).toContain(`${probe} → app/loyalty/program/program.ts`);
    } finally {
      fs.rmSync(probe);
    }
  });
});
