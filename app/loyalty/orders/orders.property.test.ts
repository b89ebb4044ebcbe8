import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db/database.server";
import { inTransaction } from "~/db/transaction.server";
import type { Refund } from "~/shopify/order-payloads";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { recordCancellation, recordPaidOrder, recordRefund } from "./orders.server";
import type { PaidOrder } from "./paid-order";
import { loadShop, type LoadedShop } from "~/loyalty/program/program.server";

let database: Database;
let shop: LoadedShop;

beforeAll(async () => {
  database = openDatabase({ pgliteDir: "memory://" });
  await database.ready;
  const row = await database.prisma.shop.create({ data: { domain: `property-${Date.now()}.myshopify.com` } });
  shop = await loadShop(database.prisma, row.id);
});
afterAll(() => database?.close());

type OrderEvent = { kind: "paid" } | { kind: "refund"; index: number } | { kind: "cancel" };

let nextOrder = 1;

/** An order of 1–3 lines, some refunds of parts of those lines (never more than was paid), maybe a cancellation. */
const scenario = fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 3 }).chain((lineCents) =>
  fc.record({
    lineCents: fc.constant(lineCents),
    refunds: fc.array(
      fc.record({
        line: fc.nat({ max: lineCents.length - 1 }),
        share: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
      }),
      { maxLength: 3 },
    ),
    cancelled: fc.boolean(),
  }),
);

async function apply(events: OrderEvent[], facts: { paid: PaidOrder; refunds: Refund[]; cancelledAt: Date }) {
  for (const event of events) {
    await inTransaction(database.prisma, async (tx) => {
      const now = new Date();
      if (event.kind === "paid") await recordPaidOrder(tx, shop, facts.paid, now);
      else if (event.kind === "refund") await recordRefund(tx, shop, facts.refunds[event.index]!, now);
      else await recordCancellation(tx, shop, facts.paid.shopifyOrderId, facts.cancelledAt, now);
    });
  }
}

interface Scenario {
  lineCents: number[];
  refunds: { line: number; share: number }[];
  cancelled: boolean;
}

function factsFor(customerId: string, input: Scenario) {
  const orderId = String(nextOrder++);
  const paid: PaidOrder = {
    shopifyOrderId: orderId,
    currencyCode: "USD",
    name: `#${orderId}`,
    email: `${customerId}@example.com`,
    test: false,
    customerId,
    customerName: { firstName: null, lastName: null },
    placedAt: new Date("2026-05-01T10:00:00Z"),
    cancelledAt: null,
    discountCodes: [],
    referralCode: null,
    phone: null,
    shippingAddress: null,
    automaticDiscounts: [],
    codeDiscounts: [],
    lines: input.lineCents.map((cents, i) => ({
      lineItemId: `${orderId}-${i}`,
      productId: null,
      grossCents: cents,
      eligibleCents: cents,
    })),
  };
  const refunds: Refund[] = input.refunds.map((refund, i) => ({
    shopifyRefundId: `${orderId}-r${i}`,
    shopifyOrderId: orderId,
    lines: [
      {
        lineItemId: `${orderId}-${refund.line}`,
        subtotal: (Math.floor(input.lineCents[refund.line]! * refund.share) / 100).toFixed(2),
      },
    ],
  }));
  return { paid, refunds, cancelledAt: new Date("2026-05-02T10:00:00Z") };
}

const balanceOf = async (customerId: string) =>
  (
    await database.prisma.member.findUnique({
      where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: customerId } },
    })
  )?.balance ?? 0;

it("any permutation and duplication of an order's events ends at the balance of applying each once in order", async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      scenario.chain((input) => {
        const once: OrderEvent[] = [
          { kind: "paid" },
          ...input.refunds.map((_, index) => ({ kind: "refund", index }) as OrderEvent),
          ...(input.cancelled ? [{ kind: "cancel" } as OrderEvent] : []),
        ];
        const delivered = fc
          .array(fc.nat({ max: 2 }), { minLength: once.length, maxLength: once.length })
          .map((extra) => once.flatMap((event, i) => Array<OrderEvent>(1 + extra[i]!).fill(event)))
          .chain((withDuplicates) => fc.shuffledSubarray(withDuplicates, { minLength: withDuplicates.length }));
        return fc.record({ input: fc.constant(input), once: fc.constant(once), delivered });
      }),
      async ({ input, once, delivered }) => {
        run++;
        const inOrder = `in-order-${run}`;
        const shuffled = `shuffled-${run}`;
        await apply(once, factsFor(inOrder, input));
        await apply(delivered, factsFor(shuffled, input));
        expect(await balanceOf(shuffled)).toBe(await balanceOf(inOrder));
      },
    ),
    { numRuns: 40 },
  );
  expect(await ledgerDiscrepancies(database.prisma, shop.id)).toEqual([]);
});
