import { describe, expect, it } from "vitest";
import { LiquidError, interpolate, renderLiquid, schemaOf } from "./liquid";

const render = (source: string, globals: Record<string, unknown> = {}) =>
  renderLiquid(source, globals, {
    filters: {
      t: (input, _args, named) => interpolate(`[${String(input)}] {{ n }}`, named),
      asset_url: (input, args) => `/assets/${String(input)}${args.length ? `?${args.join(",")}` : ""}`,
    },
    snippet: (name) => {
      if (name === "hello") return "Hello {{ who }} of {{ shop.name }}";
      if (name === "peek") return "{{ secret }}";
      throw new Error(`no snippet ${name}`);
    },
  });

describe("the preview's Liquid (liquidjs with Shopify's parts)", () => {
  it("outputs variables and filters, with whitespace control", () => {
    expect(render("{{ a.b }}|{{ list.size }}|{{ list.first }}|{{ list.last }}", { a: { b: "x" }, list: [1, 2] })).toBe(
      "x|2|1|2",
    );
    expect(render("  {{- 'a<b\"c\\'' | escape -}}  !")).toBe("a&lt;b&quot;c&#39;!");
    expect(render("{{ v | json }}", { v: "</script>&" })).toBe('"\\u003c/script\\u003e\\u0026"');
    expect(render("{{ missing | default: 'd' }}{{ '' | default: 'e' }}{{ 'k' | t: n: 3 }}")).toBe("de[k] 3");
    expect(render("{{ items | map: 'id' | json }}", { items: [{ id: 1 }, { id: 2 }] })).toBe("[1,2]");
    expect(render("{{ 'tally.js' | asset_url }} {{ 'x' | asset_url: 1, 2 }}")).toBe("/assets/tally.js /assets/x?1,2");
  });

  it("formats money in cents in the shop's currency", () => {
    expect(render("{{ 8900 | money }} {{ 123456 | money_without_currency }}", { shop: { currency: "EUR" } })).toBe(
      "€89.00 1,234.56",
    );
    expect(render("{{ 8900 | money }}")).toBe("$89.00");
  });

  it("evaluates if/elsif/else, unless, and/or right to left, blank", () => {
    const t = "{% if a == 1 %}one{% elsif a > 1 and b %}many{% else %}none{% endif %}";
    expect(render(t, { a: 1 })).toBe("one");
    expect(render(t, { a: 2, b: true })).toBe("many");
    expect(render(t, { a: 2, b: false })).toBe("none");
    expect(render("{% if false and false or true %}y{% else %}n{% endif %}")).toBe("n");
    expect(render("{% unless customer %}guest{% endunless %}", { customer: null })).toBe("guest");
    expect(render("{% if customer %}in{% else %}out{% endif %}")).toBe("out");
    expect(render("{% if s != blank %}set{% else %}blank{% endif %}", { s: "  " })).toBe("blank");
    expect(render("{% if x contains 'b' %}y{% endif %}", { x: "abc" })).toBe("y");
  });

  it("loops with forloop, assigns and captures without touching the globals", () => {
    expect(
      render("{% for i in xs %}{{ i }}{% unless forloop.last %},{% endunless %}{% endfor %}", { xs: [1, 2, 3] }),
    ).toBe("1,2,3");
    expect(render("{% for i in xs limit: 2 reversed %}{{ i }}{% else %}empty{% endfor %}", { xs: [1, 2, 3] })).toBe(
      "21",
    );
    expect(render("{% for i in xs offset: 1 %}{{ forloop.index }}{{ i }}{% endfor %}", { xs: [1, 2, 3] })).toBe("1223");
    expect(render("{% for i in xs %}{{ i }}{% else %}empty{% endfor %}", { xs: [] })).toBe("empty");
    const globals = { a: "global" };
    expect(render("{% assign a = 'local' | upcase %}{% capture c %}<{{ a }}>{% endcapture %}{{ c }}", globals)).toBe(
      "<LOCAL>",
    );
    expect(globals.a).toBe("global");
  });

  it("renders snippets in their own scope with the globals, and skips comments and Shopify's raw tags", () => {
    expect(render("{% assign who = 'me' %}{% render 'hello', who: 'you' %}", { shop: { name: "Shop" } })).toBe(
      "Hello you of Shop",
    );
    expect(() => render("{% assign secret = 's' %}{% render 'peek' %}")).toThrow(/undefined variable: secret/);
    expect(() => render("{% render 'missing' %}")).toThrow(/no snippet missing/);
    expect(
      render(
        'a{%- comment -%} {{ nope }} {%- endcomment -%}b{% schema %}{"name": "x"}{% endschema %}' +
          "{% javascript %}alert(1){% endjavascript %}{% stylesheet %}p { color: red }{% endstylesheet %}",
      ),
    ).toBe("ab");
  });

  it("reads the schema's JSON, whatever filters the block uses", () => {
    expect(schemaOf('{{ \'k\' | t }}x{% schema %}{ "target": "body" }{% endschema %}')).toEqual({ target: "body" });
    expect(schemaOf("{{ 'k' | t }}")).toBeNull();
    expect(() => schemaOf("{% schema %}{}")).toThrow(/not closed/);
  });

  it("refuses what it does not know instead of rendering it wrong", () => {
    expect(() => render("{% include 'x' %}")).toThrow(LiquidError);
    expect(() => render("{% include 'x' %}")).toThrow(/tag "include" not found/);
    expect(() => render("{{ a | nope }}", { a: 1 })).toThrow(/undefined filter: nope/);
    expect(() => render("{{ missing }}")).toThrow(/undefined variable: missing/);
    expect(() => render("{% if a %}", { a: 1 })).toThrow(/not closed/);
  });

  it("fills translation placeholders", () => {
    expect(interpolate("{{ count }} points, {{count}} {{ missing }}!", { count: 3 })).toBe("3 points, 3 !");
  });
});
