// What Tally costs a store's speed, as Built for Shopify measures it: Lighthouse's performance
// score of the storefront preview's product, collection and cart pages with Tally's app embed and
// blocks on and off (`?tally=off`), each the median of several runs, on and off interleaved so both
// meet the same moments of a shared machine. Built for Shopify lets an app take at most 10 points
// off; Tally's goal is 2.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { launch, type LaunchedChrome } from "chrome-launcher";
import lighthouse, { type Result } from "lighthouse";
import { freePort, startProcess } from "../../test/support/process";
import { round, type Figure } from "./figures";
import { progress } from "./harness";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PAGES = [
  { page: "product", label: "product page" },
  { page: "collection", label: "collection page" },
  { page: "cart", label: "cart page" },
] as const;
const DROP_GOAL = { op: "<=", value: 2 } as const;
/**
 * Every request the pages make is to the preview; should a theme or block ever reach further
 * (fonts, a CDN), it fails at once instead of waiting on a network this machine may not have.
 */
const BLOCKED = ["*fonts.googleapis.com*", "*fonts.gstatic.com*", "*cdn.shopify.com*", "*shopifycloud*"];

interface Run {
  score: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  /** Requests to anywhere but the preview (none expected). */
  outside: string[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function summarize(lhr: Result, origin: string): Run {
  if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const numeric = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
  const requests = (lhr.audits["network-requests"]?.details as { items?: { url: string }[] } | undefined)?.items ?? [];
  return {
    score: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    lcpMs: numeric("largest-contentful-paint"),
    tbtMs: numeric("total-blocking-time"),
    cls: numeric("cumulative-layout-shift"),
    outside: requests.map((r) => r.url).filter((url) => !url.startsWith(origin) && !url.startsWith("data:")),
  };
}

export async function runLighthouseBench(options: { runs?: number } = {}): Promise<Figure[]> {
  const { runs = 5 } = options;
  const dir = mkdtempSync(path.join(tmpdir(), "tally-bench-lighthouse-"));
  const port = await freePort();
  const app = await startProcess(["node_modules/tsx/dist/cli.mjs", "scripts/bench/storefront-app.ts"], {
    env: { PORT: String(port), PGLITE_DATA_DIR: path.join(dir, "pglite"), DATABASE_URL: "" },
    ready: /bench\.storefront\.ready/,
    timeoutMs: 180_000,
  });
  const origin = `http://127.0.0.1:${port}`;
  let chrome: LaunchedChrome | undefined;
  try {
    chrome = await launch({
      chromePath: CHROMIUM,
      chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
    });
    const results = new Map<string, Run[]>();
    for (let run = 1; run <= runs; run++) {
      for (const { page } of PAGES) {
        for (const tally of ["on", "off"] as const) {
          progress(`lighthouse ${page} page, Tally ${tally}, run ${run}/${runs}`);
          // Lighthouse's default config: mobile, simulated throttling, as PageSpeed Insights runs it.
          const result = await lighthouse(`${origin}/sandbox/storefront?page=${page}&tally=${tally}`, {
            port: chrome.port,
            output: "json",
            logLevel: "error",
            onlyCategories: ["performance"],
            blockedUrlPatterns: BLOCKED,
          });
          if (!result) throw new Error("Lighthouse returned no result");
          const key = `${page}:${tally}`;
          results.set(key, [...(results.get(key) ?? []), summarize(result.lhr, origin)]);
        }
      }
    }

    const figures: Figure[] = [];
    const method = `median of ${runs}; Lighthouse 12.2.3's default mobile config (simulated Moto G Power, slow 4G, 4× CPU), as PageSpeed Insights`;
    for (const { page, label } of PAGES) {
      const [on, off] = (["on", "off"] as const).map((tally) => {
        const measured = results.get(`${page}:${tally}`)!;
        return {
          score: median(measured.map((r) => r.score)),
          lcp: median(measured.map((r) => r.lcpMs)),
          tbt: median(measured.map((r) => r.tbtMs)),
          cls: median(measured.map((r) => r.cls)),
        };
      }) as [Summary, Summary];
      const figure = (name: string, value: number, detail: string, goal?: Figure["goal"], unit = "points") =>
        figures.push({
          group: "lighthouse",
          name: `${label}, ${name}`,
          database: "—",
          value,
          unit,
          detail,
          ...(goal ? { goal } : {}),
        });
      figure("performance with Tally", on.score, method);
      figure("performance without Tally", off.score, "the same page, ?tally=off: no app embed, no blocks");
      figure(
        "drop",
        off.score - on.score,
        `LCP ${seconds(on.lcp)} vs ${seconds(off.lcp)}, TBT ${Math.round(on.tbt)} vs ${Math.round(off.tbt)} ms, CLS ${round(on.cls, 3)} vs ${round(off.cls, 3)} (on vs off)`,
        DROP_GOAL,
      );
      // The score saturates at 100 on these light pages: the largest paint's delay shows what is left.
      figure(
        "LCP added",
        Math.round(on.lcp - off.lcp),
        "the medians' difference, simulated (what a heavier store would feel first)",
        undefined,
        "ms",
      );
    }
    const outside = [...new Set([...results.values()].flat().flatMap((r) => r.outside))];
    figures.push({
      group: "lighthouse",
      name: "requests outside the preview",
      database: "—",
      value: outside.length,
      unit: "URLs",
      goal: { op: "<=", value: 0 },
      detail: outside.length ? outside.join(" ") : `blocked if ever asked: ${BLOCKED.join(" ")}`,
    });
    return figures;
  } finally {
    chrome?.kill();
    await app.stop("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Summary {
  score: number;
  lcp: number;
  tbt: number;
  cls: number;
}

const seconds = (ms: number) => `${round(ms / 1000, 2)} s`;
