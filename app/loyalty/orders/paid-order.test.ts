import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pointsForOrder } from "~/loyalty/points/earning";
import { defaultProgram, programSchema } from "~/loyalty/program/program";
import { orderFacts, type OrderLineNode, type OrderNode } from "~/shopify/orders-query.server";
import { paidOrderWebhook, scorePaidOrder } from "./paid-order";

// The same order reaches Tally twice: as the orders/paid webhook and, when that was missed, as the
// reconcile job's Admin API node. Both are scored by one function and must earn the same.

const CURRENCIES = { USD: 2, JPY: 0, KWD: 3 } as const;

interface Line {
  unitMinor: number;
  quantity: number;
  discountsMinor: number[];
  taxesMinor: number[];
  giftCard: boolean;
  productId: number | null;
}

const line: fc.Arbitrary<Line> = fc.record({
  unitMinor: fc.integer({ min: 0, max: 5_000_000 }),
  quantity: fc.integer({ min: 0, max: 20 }),
  // A line discount and an order discount's share of the line, as Shopify allocates them.
  discountsMinor: fc.array(fc.integer({ min: 0, max: 2_000_000 }), { maxLength: 3 }),
  taxesMinor: fc.array(fc.integer({ min: 0, max: 500_000 }), { maxLength: 3 }),
  giftCard: fc.boolean(),
  productId: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
});

interface Order {
  currency: keyof typeof CURRENCIES;
  taxesIncluded: boolean;
  lines: Line[];
}

const order: fc.Arbitrary<Order> = fc.record({
  currency: fc.constantFrom(...(Object.keys(CURRENCIES) as (keyof typeof CURRENCIES)[])),
  taxesIncluded: fc.boolean(),
  lines: fc.array(line, { minLength: 1, maxLength: 5 }),
});

const program = fc
  .record({
    pointsPerCurrencyUnit: fc.constantFrom(0, 0.05, 1, 2.5, 10),
    rounding: fc.constantFrom("floor", "round", "ceil"),
    doubled: fc.integer({ min: 1, max: 5 }),
  })
  .map(({ doubled, ...rule }) =>
    programSchema.parse({
      ...defaultProgram(),
      earning: {
        ...defaultProgram().earning,
        order: { ...rule, productRules: [{ match: { productIds: [String(doubled)] }, multiplier: 2 }] },
      },
    }),
  );

const decimal = (minor: number, digits: number) => (minor / 10 ** digits).toFixed(digits);

function asWebhookPayload({ currency, taxesIncluded, lines }: Order) {
  const digits = CURRENCIES[currency];
  return {
    id: 5001,
    admin_graphql_api_id: "gid://shopify/Order/5001",
    name: "#1001",
    email: "ann@example.com",
    currency,
    taxes_included: taxesIncluded,
    created_at: "2026-05-01T10:00:00Z",
    processed_at: "2026-05-01T10:00:00Z",
    line_items: lines.map((l, i) => ({
      id: 700 + i,
      admin_graphql_api_id: `gid://shopify/LineItem/${700 + i}`,
      product_id: l.productId,
      variant_id: 900 + i,
      price: decimal(l.unitMinor, digits),
      quantity: l.quantity,
      gift_card: l.giftCard,
      properties: [{ name: "_tally_cause", value: "ocean" }],
      discount_allocations: l.discountsMinor.map((minor) => ({ amount: decimal(minor, digits) })),
      tax_lines: l.taxesMinor.map((minor) => ({ price: decimal(minor, digits) })),
    })),
  };
}

function asAdminApiNode({ currency, taxesIncluded, lines }: Order) {
  const digits = CURRENCIES[currency];
  const money = (minor: number) => ({ shopMoney: { amount: decimal(minor, digits) } });
  const nodes: OrderLineNode[] = lines.map((l, i) => ({
    id: `gid://shopify/LineItem/${700 + i}`,
    quantity: l.quantity,
    isGiftCard: l.giftCard,
    product: l.productId === null ? null : { id: `gid://shopify/Product/${l.productId}` },
    variant: { id: `gid://shopify/ProductVariant/${900 + i}` },
    sellingPlan: null,
    customAttributes: [{ key: "_tally_cause", value: "ocean" }],
    originalUnitPriceSet: money(l.unitMinor),
    discountAllocations: l.discountsMinor.map((minor) => ({
      allocatedAmountSet: money(minor),
      discountApplication: { __typename: "ManualDiscountApplication" as const },
    })),
    taxLines: l.taxesMinor.map((minor) => ({ priceSet: money(minor) })),
  }));
  const node: OrderNode = {
    id: "gid://shopify/Order/5001",
    name: "#1001",
    test: false,
    email: "ann@example.com",
    createdAt: "2026-05-01T10:00:00Z",
    processedAt: "2026-05-01T10:00:00Z",
    cancelledAt: null,
    taxesIncluded,
    currencyCode: currency,
    displayFinancialStatus: "PAID",
    discountCodes: [],
    customAttributes: [],
    customer: null,
    lineItems: { pageInfo: { hasNextPage: false, endCursor: null }, nodes },
    shippingLines: { nodes: [] },
    refunds: [],
  };
  return { node, nodes };
}

describe("an order line earns the same whichever way Shopify told of it", () => {
  it("the webhook payload and the reconcile query's node score the same lines and points", () => {
    fc.assert(
      fc.property(order, program, (input, program) => {
        const fromWebhook = paidOrderWebhook.parse(asWebhookPayload(input));
        const { node, nodes } = asAdminApiNode(input);
        const fromAdminApi = scorePaidOrder(orderFacts(node, nodes, []).paid!);
        expect(fromAdminApi).not.toBeNull();
        expect(fromAdminApi!.lines).toEqual(fromWebhook.lines);
        const points = (paid: typeof fromWebhook) =>
          pointsForOrder(program, {
            placedAt: paid.placedAt,
            currencyDigits: CURRENCIES[input.currency],
            lines: paid.lines,
          }).points;
        expect(points(fromAdminApi!)).toBe(points(fromWebhook));
      }),
      { numRuns: 300 },
    );
  });

  it("an order discount allocated to a line lowers what it earns on both paths", () => {
    const input = {
      currency: "USD" as const,
      taxesIncluded: false,
      lines: [
        {
          unitMinor: 10_000,
          quantity: 2,
          discountsMinor: [1_000, 500],
          taxesMinor: [],
          giftCard: false,
          productId: null,
        },
      ],
    };
    const { node, nodes } = asAdminApiNode(input);
    const expected = [
      {
        lineItemId: "700",
        productId: null,
        variantId: "900",
        quantity: 2,
        subscription: false,
        // Both paths read the line's properties (a round-up names its cause in one).
        cause: "ocean",
        grossCents: 18_500,
        eligibleCents: 18_500,
      },
    ];
    expect(paidOrderWebhook.parse(asWebhookPayload(input)).lines).toEqual(expected);
    expect(scorePaidOrder(orderFacts(node, nodes, []).paid!)!.lines).toEqual(expected);
  });

  it("an order beyond any real order is refused on both paths", () => {
    const input = {
      currency: "USD" as const,
      taxesIncluded: false,
      lines: [
        {
          unitMinor: 100_000_000,
          quantity: 1_000_000,
          discountsMinor: [],
          taxesMinor: [],
          giftCard: false,
          productId: null,
        },
      ],
    };
    const refused = paidOrderWebhook.safeParse(asWebhookPayload(input));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.message)).toEqual([
      "the order's amount is beyond any real order",
    ]);
    const { node, nodes } = asAdminApiNode(input);
    expect(scorePaidOrder(orderFacts(node, nodes, []).paid!)).toBeNull();
  });
});

describe("the discounts Tally is behind read the same whichever way Shopify told of the order", () => {
  it("a code on a line and on the shipping, and a perk on a line, on both paths", () => {
    const input = {
      currency: "USD" as const,
      taxesIncluded: false,
      lines: [{ unitMinor: 5_000, quantity: 1, discountsMinor: [], taxesMinor: [], giftCard: false, productId: 1 }],
    };
    const webhook = asWebhookPayload(input);
    const fromWebhook = paidOrderWebhook.parse({
      ...webhook,
      discount_applications: [
        { type: "discount_code", code: "tally-abc", value: "10.0", value_type: "fixed_amount" },
        { type: "automatic", title: "Gold: 5% off", value: "5.0", value_type: "percentage" },
      ],
      line_items: webhook.line_items.map((line) => ({
        ...line,
        discount_allocations: [
          { amount: "7.00", discount_application_index: 0 },
          { amount: "2.50", discount_application_index: 1 },
        ],
      })),
      shipping_lines: [{ discount_allocations: [{ amount: "3.00", discount_application_index: 0 }] }],
    });
    const { node, nodes } = asAdminApiNode(input);
    const money = (amount: string) => ({ shopMoney: { amount } });
    const code = { __typename: "DiscountCodeApplication" as const, code: "tally-abc" };
    const fromAdminApi = orderFacts(
      {
        ...node,
        shippingLines: {
          nodes: [{ discountAllocations: [{ allocatedAmountSet: money("3.00"), discountApplication: code }] }],
        },
      },
      nodes.map((line) => ({
        ...line,
        discountAllocations: [
          { allocatedAmountSet: money("7.00"), discountApplication: code },
          {
            allocatedAmountSet: money("2.50"),
            discountApplication: { __typename: "AutomaticDiscountApplication" as const, title: "Gold: 5% off" },
          },
        ],
      })),
      [],
    ).paid!;
    const expected = {
      codeDiscounts: [
        { code: "tally-abc", amount: "7.00" },
        { code: "tally-abc", amount: "3.00" },
      ],
      automaticDiscounts: [{ title: "Gold: 5% off", amount: "2.50" }],
    };
    expect(fromWebhook).toMatchObject(expected);
    expect(fromAdminApi).toMatchObject(expected);
  });
});
