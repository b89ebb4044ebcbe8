import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { check } from "@shopify/theme-check-node";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { THEME_APP_EMBED_HANDLE } from "~/shopify/theme-editor";
import { defaultProgram } from "~/loyalty/program/program";
import { storefrontProgram } from "~/loyalty/program/storefront-program";
import { renderLiquid, schemaOf } from "../sandbox/storefront/liquid";
import { translate } from "../sandbox/storefront/preview";
import {
  THEME_EXTENSION_DIR,
  THEME_SCRIPTS,
  buildThemeScript,
  buildThemeStyle,
  themeScriptPath,
  themeStylePath,
  type ThemeScript,
} from "../scripts/build-theme-extension";

/** Budgets of what every storefront page downloads (gzip, as served), for each script. */
const SCRIPT_BUDGET_GZIP = 10 * 1024;
/** Theme Check's own limit on an app block's script, raw (AssetSizeAppBlockJavaScript; AssetSizeJavaScript's default too). */
const SCRIPT_LIMIT_RAW = 10_000;
const scripts = Object.keys(THEME_SCRIPTS) as ThemeScript[];
/** The blocks' styles, inlined by each block that renders (no stylesheet in the page's head). */
const STYLESHEET_BUDGET_GZIP = 4 * 1024;

const dir = THEME_EXTENSION_DIR;
const read = (relative: string) => readFileSync(path.join(dir, relative), "utf8");
const blocks = readdirSync(path.join(dir, "blocks")).filter((file) => file.endsWith(".liquid"));

describe("the theme app extension", () => {
  it("passes Theme Check (theme app extension checks) without a single offence", async () => {
    const offenses = await check(dir);
    expect(
      offenses.map((o) => `${o.check} ${path.relative(dir, new URL(o.uri).pathname)}:${o.start.line + 1} ${o.message}`),
    ).toEqual([]);
  });

  it("ships the scripts their source builds (run `npm run build:theme` after editing src/)", async () => {
    expect(scripts).toEqual([
      "tally.js",
      "tally-ref.js",
      "tally-claim.js",
      "tally-engage.js",
      "tally-notice.js",
      "tally-membership.js",
      "tally-round-up.js",
    ]);
    for (const script of scripts)
      expect(readFileSync(themeScriptPath(script), "utf8"), script).toBe(await buildThemeScript(script));
    expect(readFileSync(themeStylePath, "utf8"), "snippets/tally-style.liquid").toBe(await buildThemeStyle());
  });

  it("keeps the script and stylesheet within budget", () => {
    const measure = (file: string) => {
      const bytes = readFileSync(path.join(dir, file));
      return { file, rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    };
    const measured = scripts.map((script) => measure(`assets/${script}`));
    const stylesheet = measure("snippets/tally-style.liquid");
    mkdirSync("test-results/storefront", { recursive: true });
    writeFileSync(
      "test-results/storefront/bundle-sizes.json",
      JSON.stringify(
        {
          budgets: {
            scriptGzip: SCRIPT_BUDGET_GZIP,
            scriptRaw: SCRIPT_LIMIT_RAW,
            stylesheetGzip: STYLESHEET_BUDGET_GZIP,
          },
          scripts: measured,
          stylesheet,
        },
        null,
        2,
      ),
    );
    for (const script of measured) {
      expect(script.gzipBytes, script.file).toBeLessThanOrEqual(SCRIPT_BUDGET_GZIP);
      expect(script.rawBytes, script.file).toBeLessThanOrEqual(SCRIPT_LIMIT_RAW);
    }
    expect(stylesheet.gzipBytes).toBeLessThanOrEqual(STYLESHEET_BUDGET_GZIP);
  });

  it("is laid out as Shopify CLI deploys it: a theme extension, only its four folders, the source ignored", () => {
    expect(parseToml(read("shopify.extension.toml"))).toMatchObject({ type: "theme" });
    const allowed: Record<string, RegExp> = {
      assets: /\.(jpg|jpeg|json|js|css|png|svg|wasm)$/,
      blocks: /\.liquid$/,
      snippets: /\.liquid$/,
      locales: /\.json$/,
    };
    const ignored = read(".shopifyignore")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"));
    for (const folder of readdirSync(dir).filter((entry) => statSync(path.join(dir, entry)).isDirectory())) {
      for (const file of readdirSync(path.join(dir, folder))) {
        if (ignored.includes(`${folder}/*`)) continue;
        expect(Object.keys(allowed), `${folder}/${file}`).toContain(folder);
        expect(file, `${folder}/${file}`).toMatch(allowed[folder]!);
      }
    }
    expect(ignored).toContain("src/*");
  });

  it("has the app embed the onboarding deep link activates, on the page body, loading the referral capture deferred", () => {
    expect(blocks).toContain(`${THEME_APP_EMBED_HANDLE}.liquid`);
    const embed = read(`blocks/${THEME_APP_EMBED_HANDLE}.liquid`);
    expect(schemaOf(embed)).toMatchObject({ target: "body", javascript: "tally.js" });
    expect(embed).toContain(`<script src="{{ 'tally-ref.js' | asset_url }}" defer></script>`);
    for (const block of blocks.filter((file) => file !== `${THEME_APP_EMBED_HANDLE}.liquid`)) {
      expect(schemaOf(read(`blocks/${block}`)), block).toMatchObject({ target: "section" });
    }
    // No stylesheet in the page's head holds back the store's first paint: each block that renders
    // brings its styles inline, before its markup (docs/decisions/0035).
    for (const block of blocks) {
      expect(schemaOf(read(`blocks/${block}`)), block).not.toHaveProperty("stylesheet");
      expect(read(`blocks/${block}`), block).toMatch(
        /\{% render 'tally-style' %\}\s*<(div|section)\s+class="tally-root/,
      );
    }
    expect(readdirSync(path.join(dir, "assets")).filter((file) => file.endsWith(".css"))).toEqual([]);
    // The loyalty page is all Liquid: it costs the page no script. Giving's two blocks load only their own.
    const scripted = blocks.filter((file) => schemaOf(read(`blocks/${file}`))?.javascript === "tally.js");
    expect(blocks.filter((file) => !scripted.includes(file))).toEqual([
      "giving-total.liquid",
      "loyalty-page.liquid",
      "round-up.liquid",
    ]);
    for (const block of ["giving-total.liquid", "round-up.liquid"])
      expect(schemaOf(read(`blocks/${block}`)), block).toMatchObject({ javascript: "tally-round-up.js" });
  });

  it("gives the scripts every string they show, from the locale file", () => {
    // tally.js's source and the claims list's (tally-claim.js reads the same config).
    const source = read("src/tally.ts") + read("src/claim.ts");
    // Keys passed to tr()/phrase()/list() directly, or chosen by a ternary (`applied ? "code_applied" : "code_paste"`).
    const used = new Set([
      ...[...source.matchAll(/(?:tr|trPoints|phrase|list)\(config, "(\w+)"[,)]/g)].map((m) => m[1]!),
      ...[...source.matchAll(/\? "(\w+_\w+)" : "(\w+_\w+)"/g)].flatMap((m) => [m[1]!, m[2]!]),
    ]);
    // "{n} points" by plural category: every category, from the locale file's plural group.
    expect(source).toContain('"points_" + new Intl.PluralRules(config.locale).select(n)');
    expect(JSON.parse(read("locales/en.default.json")).tally.ui.points).toEqual({
      one: "{n} point",
      other: "{n} points",
    });
    expect(used.size).toBeGreaterThan(25);
    const config = read("snippets/tally-config.liquid");
    const given = new Set(
      [...config.matchAll(/"(\w+)": \{\{ 'tally\.ui\.(\w+)' \| t \| json \}\}/g)].map((m) => {
        expect(m[1]).toBe(m[2]);
        return m[1]!;
      }),
    );
    expect(config).toContain("{%- for category in plural_categories -%}");
    expect(config).toContain("{%- assign points_key = 'tally.ui.points.' | append: category -%}");
    expect(config).toContain(`"points_{{ category }}": {{ points_form | json }},`);
    for (const key of used) expect(given, key).toContain(key);
    for (const code of [
      "insufficient_points",
      "not_logged_in",
      "reward_unavailable",
      "code_not_created",
      "network",
      "generic",
    ]) {
      expect(given).toContain(`error_${code}`);
    }
    // The friend's offer, by its type ("offer_" + type).
    for (const type of ["percentage", "fixed_amount", "free_shipping"]) expect(given).toContain(`offer_${type}`);
  });

  it("never reads a customer id in Liquid or sends one from the script", () => {
    for (const file of [
      ...blocks.map((b) => `blocks/${b}`),
      "snippets/tally-config.liquid",
      "snippets/tally-claims.liquid",
      "snippets/tally-engage.liquid",
      "snippets/tally-notices.liquid",
      "snippets/tally-membership.liquid",
    ]) {
      // `customer` only decides what a guest sees, and its tags which tier's perks a member sees;
      // its id, email or anything else is never used.
      expect(read(file), file).not.toMatch(/customer\.(?!tags\b)\w/);
    }
    for (const file of [
      "src/tally.ts",
      "src/ref.ts",
      "src/claim.ts",
      "src/engage.ts",
      "src/notice.ts",
      "src/membership.ts",
      "src/round-up.ts",
    ])
      expect(read(file), file).not.toMatch(/logged_in_customer_id|customerId/);
  });

  it("renders nothing (no launcher, no block, no script config) while the program is off for shoppers", () => {
    // `enabled` null: no metafield yet (a program never saved since install), as before.
    const locale = JSON.parse(read("locales/en.default.json")) as Record<string, unknown>;
    const render = (block: string, enabled: boolean | null, customer: boolean) => {
      const source = read(`blocks/${block}`);
      const settings = Object.fromEntries(
        ((schemaOf(source)?.settings ?? []) as { id?: string; default?: unknown }[])
          .filter((setting) => setting.id)
          .map((setting) => [setting.id, setting.default ?? null]),
      );
      // The launcher's announcement too: it would show the running bonus event.
      settings.announcement = true;
      const program = { ...defaultProgram(), enabled: enabled !== false };
      program.earning.bonusEvents = [
        {
          name: "Double days",
          multiplier: 2,
          startsAt: "2020-01-01T00:00:00Z",
          endsAt: "2099-01-01T00:00:00Z",
          tierIds: [],
          segmentId: null,
        },
      ];
      const variant = { id: 1, price: 1000 };
      return renderLiquid(
        source,
        {
          routes: {
            root_url: "/",
            cart_url: "/cart",
            cart_update_url: "/cart/update",
            account_url: "/account",
            account_login_url: "/account/login",
            account_register_url: "/account/register",
          },
          request: { locale: { iso_code: "en" } },
          shop: {
            name: "Tea & Co",
            currency: "USD",
            metafields: { tally: { program: enabled === null ? null : { value: storefrontProgram(program) } } },
          },
          cart: { currency: { iso_code: "USD" } },
          customer: customer ? { id: 1 } : null,
          product: {
            id: 1,
            type: "",
            tags: [],
            collections: [],
            variants: [variant],
            selected_or_first_available_variant: variant,
          },
          block: { id: "b1", settings, shopify_attributes: "" },
        },
        {
          filters: {
            t: (input, _args, named) => translate(locale, String(input), named),
            asset_url: (input) => `/cdn/${String(input)}`,
          },
          snippet: (name) => read(`snippets/${name}.liquid`),
        },
      );
    };
    // Giving's blocks have no tally-config (extensions/tally-theme/src/round-up.test.ts renders them).
    const quiet = blocks.filter(
      (block) => !["loyalty-page.liquid", "round-up.liquid", "giving-total.liquid"].includes(block),
    );
    expect(quiet).toEqual([
      "account-points.liquid",
      "cart-redeem.liquid",
      "product-points.liquid",
      "tally-launcher.liquid",
    ]);
    for (const block of quiet) {
      for (const customer of [false, true]) {
        expect(render(block, true, customer), block).toContain("data-tally-config");
        expect(render(block, null, customer), block).toContain("data-tally-config");
        expect(render(block, false, customer).trim(), block).toBe("");
      }
    }
    expect(render("tally-launcher.liquid", true, false)).toContain("Double days");
  });

  it("shows a member their tier's perks (found by the tier's customer tag) and, on a product, their price", () => {
    const locale = JSON.parse(read("locales/en.default.json")) as Record<string, unknown>;
    const program = defaultProgram();
    const combinesWith = { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false };
    program.tiers.levels = [
      { id: "silver", name: "Silver", threshold: 100, earnMultiplier: 1, entryBonusPoints: 0 },
      {
        id: "gold",
        name: "Gold",
        threshold: 500,
        earnMultiplier: 1,
        entryBonusPoints: 0,
        perks: {
          percentageOff: { percentage: 10, collectionIds: ["4410"], combinesWith },
          freeShipping: { minimumSubtotal: 50, combinesWith },
        },
      },
    ];
    const render = (block: string, tags: string[] | null, collections: number[] = [4410]) => {
      const variant = { id: 1, price: 2500 };
      const source = read(`blocks/${block}`);
      const settings = Object.fromEntries(
        ((schemaOf(source)?.settings ?? []) as { id?: string; default?: unknown }[])
          .filter((setting) => setting.id)
          .map((setting) => [setting.id, setting.default ?? null]),
      );
      return renderLiquid(
        source,
        {
          routes: {
            root_url: "/",
            cart_url: "/cart",
            cart_update_url: "/cart/update",
            account_url: "/account",
            account_login_url: "/account/login",
            account_register_url: "/account/register",
          },
          request: { locale: { iso_code: "en" } },
          shop: {
            name: "Tea & Co",
            currency: "USD",
            metafields: { tally: { program: { value: storefrontProgram(program) } } },
          },
          cart: { currency: { iso_code: "USD" } },
          customer: tags ? { tags } : null,
          product: {
            id: 1,
            type: "",
            tags: [],
            collections: collections.map((id) => ({ id })),
            variants: [variant],
            selected_or_first_available_variant: variant,
          },
          block: { id: "b1", settings: { ...settings, show_tiers: true }, shopify_attributes: "" },
        },
        {
          filters: {
            t: (input, _args, named) => translate(locale, String(input), named),
            asset_url: (input) => `/cdn/${String(input)}`,
          },
          snippet: (name) => read(`snippets/${name}.liquid`),
        },
      );
    };
    const account = render("account-points.liquid", ["VIP", "Tally Gold"]);
    expect(account).toContain("Gold: 10% off selected collections, applied at checkout");
    expect(account).toContain("Gold: free shipping on orders from $50.00, applied at checkout");
    // Outside the tier no perk is listed (the launcher's strings, which mention checkout too, are elsewhere).
    expect(render("account-points.liquid", ["Tally Silver"])).not.toContain("Gold: ");
    expect(render("tally-launcher.liquid", ["Tally Gold"])).toContain("Gold: free shipping on orders from $50.00");
    expect(render("tally-launcher.liquid", null)).not.toContain("Gold: ");
    expect(render("product-points.liquid", ["Tally Gold"])).toContain("Gold price: $22.50, applied at checkout");
    // Not in the perk's collections, not in the tier, or a guest: no member price.
    expect(render("product-points.liquid", ["Tally Gold"], [1])).not.toContain("Gold price");
    expect(render("product-points.liquid", ["Tally Silver"])).not.toContain("price:");
    expect(render("product-points.liquid", null)).not.toContain("price:");
    // The loyalty page lists every tier's perks.
    expect(render("loyalty-page.liquid", null)).toContain("Gold: 10% off selected collections, applied at checkout");
  });
});
