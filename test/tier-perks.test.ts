import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox } from "~/jobs/outbox.server";
import { awardBirthdays } from "~/jobs/points.server";
import { deliverTierPerkSyncs, reconcileTierPerks } from "~/jobs/tier-perks.server";
import type { Program } from "~/loyalty/program/program";
import { loadShop } from "~/loyalty/program/program.server";
import { tierPerkStatuses } from "~/loyalty/tiers/perks.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const SHOP = "perks-shop.myshopify.com";
let app: TestApp;
let shopId: string;

const combinesWith = { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true };

function goldAndSilver(program: Program) {
  program.tiers.levels = [
    {
      id: "silver",
      name: "Silver",
      threshold: 100,
      earnMultiplier: 1,
      entryBonusPoints: 0,
    },
    {
      id: "gold",
      name: "Gold",
      threshold: 500,
      earnMultiplier: 1,
      entryBonusPoints: 0,
      perks: {
        percentageOff: { percentage: 10, collectionIds: [], combinesWith },
        freeShipping: { minimumSubtotal: 50, combinesWith },
      },
    },
  ];
}

beforeAll(async () => {
  app = await startTestApp();
  await app.installShop(SHOP);
  shopId = await app.configureProgram(SHOP, goldAndSilver);
});
afterAll(() => app?.close());

const shopify = () => app.double.shop(SHOP);
/** A pass of the outbox job, `minutes` from now (a retry's wait is at most half an hour). */
const deliver = (minutes = 0) => deliverTierPerkSyncs(app.prisma, new Date(Date.now() + minutes * 60_000));
const rows = () =>
  app.prisma.tierPerkSync.findMany({ where: { shopId }, orderBy: [{ tierId: "asc" }, { kind: "asc" }] });
const statuses = async () => tierPerkStatuses(app.prisma, await loadShop(app.prisma, shopId));
/** What the admin's VIP tiers page loads: each tier's perks with their status in Shopify. */
async function tierPage() {
  const response = await app.admin("/app/tiers.data", SHOP);
  expect(response.status).toBe(200);
  const decoded = (await decode(response.body!)).value as Record<string, { data: { perkStatuses: unknown } }>;
  return decoded["routes/app.tiers"]!.data.perkStatuses;
}
const automatic = (tag: string) => shopify().automaticDiscounts.filter((d) => (d.input.tags as string[]).includes(tag));

describe("VIP tier perks in Shopify", () => {
  it("saving the program queues one sync; the job makes one segment per tier with perks and one automatic discount per perk", async () => {
    expect(await app.prisma.outboxTask.count({ where: { shopId, topic: "sync_tier_perks", deliveredAt: null } })).toBe(
      1,
    );
    expect((await statuses()).gold!.map((perk) => perk.shopify)).toEqual([
      { status: "pending" },
      { status: "pending" },
    ]);

    await deliver();

    expect(shopify().segments).toEqual([
      { id: expect.any(String), name: "Tally tier: Gold (gold)", query: "customer_tags CONTAINS 'Tally Gold'" },
    ]);
    const segmentId = shopify().segments[0]!.id;
    expect(shopify().automaticDiscounts).toHaveLength(2);
    expect(automatic("tally-perk:gold:percentage_off")[0]!.input).toMatchObject({
      title: "Gold: 10% off",
      context: { customerSegments: { add: [segmentId] } },
      customerGets: { value: { percentage: 0.1 }, items: { all: true } },
      combinesWith,
    });
    expect(automatic("tally-perk:gold:free_shipping")[0]!.input).toMatchObject({
      title: "Gold: free shipping",
      context: { customerSegments: { add: [segmentId] } },
      minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "50.00" } },
    });
    expect((await rows()).map((row) => [row.tierId, row.kind, row.status])).toEqual([
      ["gold", "free_shipping", "active"],
      ["gold", "percentage_off", "active"],
      ["gold", "segment", "active"],
    ]);
    expect(await tierPage()).toEqual({
      gold: [
        { kind: "percentage_off", title: "Gold: 10% off", shopify: { status: "active" } },
        { kind: "free_shipping", title: "Gold: free shipping", shopify: { status: "active" } },
      ],
    });
  });

  it("an edit updates the same discount; a second pass with nothing changed sends no mutation", async () => {
    const before = shopify().automaticDiscounts.map((d) => d.id);
    await app.configureProgram(SHOP, (program) => {
      program.tiers.levels[1]!.perks!.percentageOff!.percentage = 15;
      program.tiers.levels[1]!.perks!.percentageOff!.collectionIds = ["42"];
    });
    await deliver();
    expect(shopify().automaticDiscounts.map((d) => d.id)).toEqual(before);
    expect(automatic("tally-perk:gold:percentage_off")[0]!.input).toMatchObject({
      title: "Gold: 15% off",
      customerGets: { value: { percentage: 0.15 }, items: { collections: { add: ["gid://shopify/Collection/42"] } } },
    });

    const perkMutations = () =>
      app.double.calls.filter((call) => call.operationType === "mutation" && /Perk|Segment/.test(call.operationName!));
    const mutations = perkMutations().length;
    await app.configureProgram(SHOP, () => {});
    await deliver();
    expect(perkMutations()).toHaveLength(mutations);
  });

  it("renaming the tier (its tag) updates the segment's query in place", async () => {
    await app.configureProgram(SHOP, (program) => void (program.tiers.levels[1]!.name = "Gold's"));
    await deliver();
    expect(shopify().segments).toEqual([
      expect.objectContaining({ name: "Tally tier: Gold's (gold)", query: "customer_tags CONTAINS 'Tally Gold\\'s'" }),
    ]);
    await app.configureProgram(SHOP, (program) => void (program.tiers.levels[1]!.name = "Gold"));
    await deliver();
  });

  it("a create whose answer is lost is found by its title and tag on the next pass: never two", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.tiers.levels[0]!.perks = {
        percentageOff: { percentage: 5, collectionIds: [], combinesWith },
        freeShipping: null,
      };
    });
    app.double.failNext({ kind: "lostAnswer" }, { operationName: "CreatePerkDiscount" });
    await deliver();
    expect(automatic("tally-perk:silver:percentage_off")).toHaveLength(1);
    expect((await statuses()).silver).toEqual([
      { kind: "percentage_off", title: "Silver: 5% off", shopify: { status: "pending" } },
    ]);
    // The retry waits as TASK_RETRY says, then finds the discount instead of making another.
    await deliver(60);
    expect(automatic("tally-perk:silver:percentage_off")).toHaveLength(1);
    const row = await app.prisma.tierPerkSync.findFirstOrThrow({
      where: { shopId, tierId: "silver", kind: "percentage_off" },
    });
    expect(row.shopifyId).toBe(automatic("tally-perk:silver:percentage_off")[0]!.id);
    expect((await statuses()).silver![0]!.shopify).toEqual({ status: "active" });
  });

  it("repeated saves fold into one task, and concurrent job passes never make a perk twice", async () => {
    for (const percentage of [6, 7, 8]) {
      await app.configureProgram(
        SHOP,
        (program) => void (program.tiers.levels[0]!.perks!.percentageOff!.percentage = percentage),
      );
    }
    expect(await app.prisma.outboxTask.count({ where: { shopId, topic: "sync_tier_perks" } })).toBe(1);
    await Promise.all([deliver(120), deliver(120), deliver(120)]);
    expect(automatic("tally-perk:silver:percentage_off")).toHaveLength(1);
    expect(automatic("tally-perk:silver:percentage_off")[0]!.input).toMatchObject({ title: "Silver: 8% off" });
    expect(shopify().segments).toHaveLength(2);
  });

  it("while Shopify is down the desired state waits, and a later pass applies it", async () => {
    await app.configureProgram(SHOP, (program) => void (program.tiers.levels[0]!.perks!.percentageOff!.percentage = 9));
    app.double.failNext({ kind: "http", status: 503 }, { times: 100 });
    await deliver(180);
    expect(automatic("tally-perk:silver:percentage_off")[0]!.input).toMatchObject({ title: "Silver: 8% off" });
    expect((await statuses()).silver![0]!.shopify).toEqual({ status: "pending" });
    const task = await app.prisma.outboxTask.findFirstOrThrow({ where: { shopId, topic: "sync_tier_perks" } });
    expect(task).toMatchObject({ deliveredAt: null, attempts: 1 });

    app.double.reset();
    await deliver(240);
    expect(automatic("tally-perk:silver:percentage_off")[0]!.input).toMatchObject({ title: "Silver: 9% off" });
    expect((await statuses()).silver![0]!.shopify).toEqual({ status: "active" });
  });

  it("a discount Shopify refuses is failed with Shopify's reason, and the other perks still apply", async () => {
    app.double.failNext(
      { kind: "userErrors", userErrors: [{ field: ["title"], message: "Title is too long", code: "TOO_LONG" }] },
      { operationName: "UpdatePerkDiscount" },
    );
    await app.configureProgram(
      SHOP,
      (program) => void (program.tiers.levels[0]!.perks!.percentageOff!.percentage = 11),
    );
    await deliver(300);
    expect((await tierPage()) as object).toMatchObject({
      silver: [
        {
          kind: "percentage_off",
          title: "Silver: 11% off",
          shopify: { status: "failed", reason: "Title is too long" },
        },
      ],
    });
    expect(
      (await app.prisma.outboxTask.findFirstOrThrow({ where: { shopId, topic: "sync_tier_perks" } })).deliveredAt,
    ).not.toBeNull();
    await app.configureProgram(
      SHOP,
      (program) => void (program.tiers.levels[0]!.perks!.percentageOff!.percentage = 12),
    );
    await deliver(300);
    expect((await statuses()).silver![0]!.shopify).toEqual({ status: "active" });
  });

  it("the hourly reconcile makes again a discount deleted in Shopify by hand", async () => {
    const deleted = automatic("tally-perk:gold:free_shipping")[0]!;
    shopify().automaticDiscounts = shopify().automaticDiscounts.filter((d) => d !== deleted);
    await reconcileTierPerks(app.prisma, new Date(Date.now() + 360 * 60_000));
    await deliver(360);
    const remade = automatic("tally-perk:gold:free_shipping");
    expect(remade).toHaveLength(1);
    expect(remade[0]!.id).not.toBe(deleted.id);
    expect(shopify().automaticDiscounts).toHaveLength(3);
    expect((await statuses()).gold!.every((perk) => perk.shopify.status === "active")).toBe(true);
  });

  it("a member sees their tier's perks in the member view", async () => {
    const order = orderPayload("orders/paid", {
      id: 9100,
      customer: { id: 88, email: "c88@example.com" },
      lines: [{ price: "600.00" }],
    });
    expect((await app.webhook("orders/paid", SHOP, order)).status).toBe(200);
    await app.prisma.shop.update({ where: { id: shopId }, data: { currencyCode: "EUR" } });
    const view = await (await app.proxy("/member", { shop: SHOP, customerId: 88 })).json();
    expect(view.tier).toEqual({
      id: "gold",
      name: "Gold",
      perks: [
        { type: "percentage_off", percentage: 15, collectionIds: ["42"] },
        { type: "free_shipping", minimumSubtotal: 50, currencyCode: "EUR" },
      ],
    });
  });

  it("removing a perk deletes its discount; removing the tier's last perk deletes its segment too", async () => {
    await app.configureProgram(SHOP, (program) => void (program.tiers.levels[1]!.perks!.freeShipping = null));
    await deliver(420);
    expect(automatic("tally-perk:gold:free_shipping")).toEqual([]);
    expect(shopify().automaticDiscounts).toHaveLength(2);

    await app.configureProgram(SHOP, (program) => void (program.tiers.levels = program.tiers.levels.slice(1)));
    await deliver(420);
    expect(automatic("tally-perk:silver:percentage_off")).toEqual([]);
    expect(shopify().segments.map((segment) => segment.name)).toEqual(["Tally tier: Gold (gold)"]);
    expect((await rows()).map((row) => `${row.tierId}:${row.kind}`)).toEqual(["gold:percentage_off", "gold:segment"]);

    await app.configureProgram(SHOP, (program) => void (program.tiers.levels = []));
    await deliver(420);
    expect(shopify().automaticDiscounts).toEqual([]);
    expect(shopify().segments).toEqual([]);
    expect(await rows()).toEqual([]);
  });

  it("refuses perks out of bounds with 422 and queues nothing", async () => {
    const { program, revision } = await (await app.admin("/api/program", SHOP)).json();
    program.tiers.levels = [
      {
        id: "gold",
        name: "Gold",
        threshold: 1,
        perks: { percentageOff: { percentage: 120 }, freeShipping: { minimumSubtotal: -1 } },
      },
    ];
    const response = await app.admin("/api/program", SHOP, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ program, revision }),
    });
    expect(response.status).toBe(422);
    const { issues } = (await response.json()) as { issues: { path: string }[] };
    expect([...new Set(issues.map((issue) => issue.path))].sort()).toEqual([
      "tiers.levels.0.perks.freeShipping.minimumSubtotal",
      "tiers.levels.0.perks.percentageOff.percentage",
    ]);
    expect(await app.prisma.outboxTask.count({ where: { shopId, topic: "sync_tier_perks", deliveredAt: null } })).toBe(
      0,
    );
  });
});

describe("the birthday reward", () => {
  it("grants the program's birthday reward at no cost once a year; its code shows with the member's rewards", async () => {
    await app.configureProgram(
      SHOP,
      (program) => void (program.earning.birthday = { points: 0, rewardId: "five-off" }),
    );
    const order = orderPayload("orders/paid", {
      id: 9001,
      customer: { id: 77, email: "c77@example.com" },
      lines: [{ price: "1.00" }],
    });
    expect((await app.webhook("orders/paid", SHOP, order)).status).toBe(200);
    const today = new Date();
    const member = await app.prisma.member.update({
      where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: "77" } },
      data: { birthday: new Date(Date.UTC(1990, today.getUTCMonth(), today.getUTCDate())) },
    });
    const balance = member.balance;

    await awardBirthdays(app.prisma, today);
    await awardBirthdays(app.prisma, today);
    const granted = await app.prisma.redemption.findMany({ where: { memberId: member.id } });
    expect(granted).toMatchObject([
      { rewardId: "five-off", pointsSpent: 0n, requestKey: `birthday:${member.id}:${today.getUTCFullYear()}:reward` },
    ]);
    expect((await app.prisma.member.findUniqueOrThrow({ where: { id: member.id } })).balance).toBe(balance);

    await deliverOutbox(app.prisma, new Date());
    expect(shopify().discounts.map((discount) => discount.code)).toContain(granted[0]!.code);
    const view = await (await app.proxy("/member", { shop: SHOP, customerId: 77 })).json();
    expect(JSON.stringify(view)).toContain(granted[0]!.code);

    const nextYear = new Date(Date.UTC(today.getUTCFullYear() + 1, today.getUTCMonth(), today.getUTCDate(), 12));
    await awardBirthdays(app.prisma, nextYear);
    expect(await app.prisma.redemption.count({ where: { memberId: member.id } })).toBe(2);
  });

  it("refuses a birthday reward the catalog does not have", async () => {
    const { program, revision } = await (await app.admin("/api/program", SHOP)).json();
    program.earning.birthday = { points: 0, rewardId: "no-such-reward" };
    const response = await app.admin("/api/program", SHOP, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ program, revision }),
    });
    expect(response.status).toBe(422);
    expect((await response.json()).issues).toEqual([
      { path: "earning.birthday.rewardId", message: 'no reward "no-such-reward" in the program' },
    ]);
  });

  it("refuses store credit as the birthday reward: a present is a code, store credit is the shopper's choice", async () => {
    const { program, revision } = await (await app.admin("/api/program", SHOP)).json();
    program.rewards.push({
      id: "credit",
      name: "Store credit",
      type: "store_credit",
      pointsPerStep: 100,
      amountPerStep: 1,
      minPoints: 100,
      maxPoints: 1000,
    });
    program.earning.birthday = { points: 0, rewardId: "credit" };
    const response = await app.admin("/api/program", SHOP, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ program, revision }),
    });
    expect(response.status).toBe(422);
    expect((await response.json()).issues).toEqual([
      { path: "earning.birthday.rewardId", message: "a store credit reward cannot be a birthday reward" },
    ]);
  });
});
