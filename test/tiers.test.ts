import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { syncMembersToShopify } from "~/jobs/member-sync.server";
import { reevaluateAllTiers } from "~/jobs/points.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import type { Program } from "~/loyalty/program/program";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload } from "./support/webhook-fixtures";

const KEEPS = "tiers-keep.myshopify.com";
const DEMOTES = "tiers-demote.myshopify.com";
const DAY = 86_400_000;
let app: TestApp;
const shopIds: Record<string, string> = {};

const LEVELS: Program["tiers"]["levels"] = [
  { id: "silver", name: "Silver", threshold: 100, earnMultiplier: 1, entryBonusPoints: 25 },
  { id: "gold", name: "Gold", threshold: 500, earnMultiplier: 2, entryBonusPoints: 0 },
];

const configure = (shop: string, change: (program: Program) => void) => app.configureProgram(shop, change);

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [KEEPS, DEMOTES]) {
    await app.installShop(shop);
    await app.admin("/api/program", shop);
    shopIds[shop] = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
  }
  await configure(KEEPS, (program) => {
    program.tiers = { ...program.tiers, levels: LEVELS };
    program.rewards.push({
      ...program.rewards[0]!,
      id: "gold-gift",
      name: "Gold gift",
      tierIds: ["gold"],
    } as Program["rewards"][number]);
  });
  await configure(DEMOTES, (program) => {
    program.tiers = { ...program.tiers, retention: "none", refundsDemote: true, levels: LEVELS };
  });
});
afterAll(() => app?.close());
afterEach(async () => {
  for (const shopId of Object.values(shopIds)) expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
});

const member = (shop: string, customerId: number) =>
  app.prisma.member.findUniqueOrThrow({
    where: { shopId_shopifyCustomerId: { shopId: shopIds[shop]!, shopifyCustomerId: String(customerId) } },
  });
const paid = (shop: string, id: number, customerId: number, price: string, lineItemId?: number) =>
  app.webhook(
    "orders/paid",
    shop,
    orderPayload("orders/paid", {
      id,
      customer: { id: customerId, email: `c${customerId}@example.com` },
      lines: [{ price, lineItemId }],
    }),
  );

describe("VIP tiers", () => {
  it("orders move a member up, with the entry bonus once and the tier's multiplier on later orders", async () => {
    await paid(KEEPS, 1, 9001, "60.00");
    expect(await member(KEEPS, 9001)).toMatchObject({ tierId: null, balance: 60 });
    await paid(KEEPS, 2, 9001, "60.00");
    expect(await member(KEEPS, 9001)).toMatchObject({ tierId: "silver", balance: 120 + 25 });
    await paid(KEEPS, 3, 9001, "400.00");
    expect((await member(KEEPS, 9001)).tierId).toBe("gold");
    await paid(KEEPS, 4, 9001, "10.00");
    expect(Number((await member(KEEPS, 9001)).balance)).toBe(145 + 400 + 20);
    const history = await app.prisma.tierChange.findMany({
      where: { shopId: shopIds[KEEPS] },
      orderBy: { createdAt: "asc" },
    });
    expect(history.map((h) => [h.fromTierId, h.toTierId, h.cause])).toEqual([
      [null, "silver", "earn"],
      ["silver", "gold", "earn"],
    ]);
  });

  it("shows the tier to the shopper and unlocks the tier's rewards", async () => {
    const query = appProxyQuery({ shop: KEEPS, customerId: 9001 }, TEST_API_SECRET);
    const body = await (
      await fetch(`${app.url}/proxy/member?${query}`, { headers: { "User-Agent": BROWSER_USER_AGENT } })
    ).json();
    expect(body.tier).toEqual({ id: "gold", name: "Gold" });
    expect(body.rewards.find((r: { id: string }) => r.id === "gold-gift").available).toBe(true);
  });

  it("keeps the tier through a refund when refunds may not demote", async () => {
    await paid(KEEPS, 5, 9002, "520.00", 55001);
    expect((await member(KEEPS, 9002)).tierId).toBe("gold");
    await app.webhook(
      "refunds/create",
      KEEPS,
      refundPayload({ id: 5501, orderId: 5, lines: [{ lineItemId: 55001, subtotal: "500.00" }] }),
    );
    expect((await member(KEEPS, 9002)).tierId).toBe("gold");
  });

  it("demotes at once on a refund when the program says refunds demote", async () => {
    await paid(DEMOTES, 6, 9003, "520.00", 66001);
    expect((await member(DEMOTES, 9003)).tierId).toBe("gold");
    await app.webhook(
      "refunds/create",
      DEMOTES,
      refundPayload({ id: 6601, orderId: 6, lines: [{ lineItemId: 66001, subtotal: "300.00" }] }),
    );
    expect((await member(DEMOTES, 9003)).tierId).toBe("silver");
  });

  it("re-evaluates everyone when the thresholds change, without touching points", async () => {
    const before = await member(KEEPS, 9001);
    await configure(KEEPS, (program) => {
      program.tiers.levels[1]!.threshold = 5000;
    });
    await reevaluateAllTiers(app.prisma, new Date(Date.now() + 2 * 366 * DAY), KEEPS);
    const after = await member(KEEPS, 9001);
    expect(after.tierId).toBe("silver");
    expect(after.balance).toBe(before.balance);
  });

  it("mirrors the tier to the customer's metafield and tag", async () => {
    await syncMembersToShopify(app.prisma, new Date(Date.now() + 60_000));
    const customer = "gid://shopify/Customer/9001";
    const metafields = app.double.shop(KEEPS).metafields[customer]!;
    expect(JSON.parse(metafields["$app.tier"]!.value)).toEqual({ id: "silver", name: "Silver" });
    expect(app.double.shop(KEEPS).tags[customer]).toEqual(["Tally Silver"]);
    // Nothing changed since: no tag calls the next time the member syncs.
    app.double.reset();
    await paid(KEEPS, 7, 9001, "1.00");
    await syncMembersToShopify(app.prisma, new Date(Date.now() + 60_000));
    expect(app.double.callsTo("AddTierTag")).toHaveLength(0);
    expect(app.double.callsTo("SetMemberMetafields")).toHaveLength(1);
  });
});
