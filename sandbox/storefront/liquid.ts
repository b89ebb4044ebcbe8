import { Liquid, LiquidError, Tag, type Context, type FS, type TagToken, type TopLevelToken } from "liquidjs";

/**
 * Liquid for the sandbox's storefront preview only: renders the theme app extension's own block
 * files (extensions/tally-theme) with liquidjs, the way a theme would, so the preview shows the
 * markup Shopify serves. On top of liquidjs's standard Liquid it adds the Shopify parts the
 * blocks use: the `{% schema %}`, `{% javascript %}` and `{% stylesheet %}` tags (no output in
 * place), `{% render %}` from the extension's snippets, and the `escape`, `json`, `money` and
 * `money_without_currency` filters as Shopify writes them, plus whatever the caller passes (t,
 * asset_url). It is strict: an unknown tag or filter, or an undefined variable outside `if` /
 * `unless` / `default`, throws (a LiquidError) rather than render something Shopify would not.
 */

export { LiquidError };

/** A filter: its input, positional arguments and named (`key: value`) arguments. */
export type Filter = (input: unknown, args: unknown[], named: Record<string, unknown>) => unknown;

export interface LiquidEnvironment {
  /** Filters the theme platform provides (t, asset_url, ...), on top of the built-ins. */
  filters?: Record<string, Filter>;
  /** The source of `snippets/<name>.liquid`, for `{% render 'name' %}`. */
  snippet?(name: string): string;
}

const escapeHtml = (value: unknown) =>
  String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** What a filter sees as `this` (liquidjs's FilterImpl, which the package does not export). */
type FilterImpl = { context: Context; token: { args: unknown[] } };

const print = (value: unknown): string => (value === null || value === undefined ? "" : String(value));

/** Adapts a `Filter` to liquidjs, which passes a named argument as a `[key, value]` pair. */
function filterHandler(filter: Filter) {
  return function (this: FilterImpl, input: unknown, ...values: unknown[]) {
    const args: unknown[] = [];
    const named: Record<string, unknown> = {};
    values.forEach((value, index) => {
      // The parsed argument says whether it was `key: value`, not the value's shape.
      if (Array.isArray(this.token.args[index])) {
        const [key, arg] = value as [string, unknown];
        named[key] = arg;
      } else {
        args.push(value);
      }
    });
    return filter(input, args, named);
  };
}

/**
 * The currency Shopify's money filters format in: the shopper's (the cart's), which they do not
 * convert to; the shop's without a cart; USD without either.
 */
function currencyOf(impl: FilterImpl): string {
  const globals = impl.context.globals as {
    shop?: { currency?: unknown } | null;
    cart?: { currency?: { iso_code?: unknown } } | null;
  };
  const active = globals.cart?.currency?.iso_code;
  if (typeof active === "string") return active;
  return typeof globals.shop?.currency === "string" ? globals.shop.currency : "USD";
}

const SHOPIFY_FILTERS: Record<string, (this: FilterImpl, input: unknown, ...args: unknown[]) => unknown> = {
  escape: (input) => escapeHtml(input),
  // Safe inside <script type="application/json">.
  json: (input) =>
    JSON.stringify(input ?? null)
      .replace(/</g, "\\u003c")
      .replace(/>/g, "\\u003e")
      .replace(/&/g, "\\u0026"),
  // Amounts in cents, as Shopify's money filters take them.
  money(input) {
    return new Intl.NumberFormat("en", { style: "currency", currency: currencyOf(this) }).format(
      Number(input ?? 0) / 100,
    );
  },
  money_without_currency: (input) =>
    new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
      Number(input ?? 0) / 100,
    ),
};

/** `{% name %}…{% endname %}` with no output where it stands; the body stays readable as `source`. */
class RawBlockTag extends Tag {
  readonly source: string;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    while (remainTokens.length) {
      const next = remainTokens.shift()!;
      if (next.kind === token.kind && (next as TagToken).name === `end${token.name}`) {
        this.source = token.input.slice(token.end, next.begin);
        return;
      }
    }
    throw new Error(`tag ${token.getText()} not closed`); // liquidjs reports it as a ParseError
  }

  *render(): Generator<unknown, void, unknown> {}
}

class SchemaTag extends RawBlockTag {}

/** Snippets by name, from the caller (`render 'tally-config'` → `snippet("tally-config")`). */
function snippetFs(snippet: LiquidEnvironment["snippet"]): FS {
  const read = (name: string) => {
    if (!snippet) throw new Error(`cannot render "${name}": no snippets here`);
    return snippet(name);
  };
  return {
    exists: async () => true,
    existsSync: () => true,
    readFile: async (name) => read(name),
    readFileSync: read,
    resolve: (_dir, file) => file,
  };
}

function engine(env: LiquidEnvironment = {}, strictFilters = true): Liquid {
  const liquid = new Liquid({
    strictFilters,
    strictVariables: true,
    // `{% if customer %}` and `| default:` on a variable the page may not have, as themes do.
    lenientIf: true,
    fs: snippetFs(env.snippet),
    root: ["snippets"],
    relativeReference: false,
    cache: false,
  });
  // Not Shopify's (layout, block) or not allowed in theme app extensions (include).
  for (const tag of ["include", "layout", "block"]) delete liquid.tags[tag];
  liquid.registerTag("schema", SchemaTag);
  // A theme bundles these; in place they output nothing (app blocks use the schema's files).
  liquid.registerTag("javascript", RawBlockTag);
  liquid.registerTag("stylesheet", RawBlockTag);
  for (const [name, filter] of Object.entries(SHOPIFY_FILTERS)) liquid.registerFilter(name, filter);
  for (const [name, filter] of Object.entries(env.filters ?? {})) liquid.registerFilter(name, filterHandler(filter));
  return liquid;
}

/** Renders a template with these globals (which its assigns cannot overwrite; snippets see them too). */
export function renderLiquid(source: string, globals: Record<string, unknown>, env: LiquidEnvironment = {}): string {
  return engine(env).parseAndRenderSync(source, {}, { globals }) as string;
}

/** Only parses (for the schema): the platform's filters (t, ...) are not known here. */
const parser = engine({}, false);

/** The JSON inside `{% schema %}`, or null. */
export function schemaOf(source: string): Record<string, unknown> | null {
  const schema = parser.parse(source).find((template): template is SchemaTag => template instanceof SchemaTag);
  return schema ? (JSON.parse(schema.source) as Record<string, unknown>) : null;
}

/** `{{ key }}` placeholders of a translation, as Shopify's `t` filter fills them. */
export function interpolate(text: string, values: Record<string, unknown>): string {
  return text.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (_, name: string) => print(values[name]));
}
