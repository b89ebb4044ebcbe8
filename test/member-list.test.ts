import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expirePoints, releaseHeldPoints } from "~/jobs/points.server";
import {
  listMembers,
  memberDetail,
  MemberListRequestError,
  type ListMembersOptions,
  type MemberSort,
} from "~/loyalty/members/list.server";
import { appProxyQuery } from "../sandbox/signing";
import { BROWSER_USER_AGENT, TEST_API_SECRET } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload, refundPayload } from "./support/webhook-fixtures";

const SHOP = "members-shop.myshopify.com";
const OTHER_SHOP = "members-other.myshopify.com";
const STORY_SHOP = "members-story.myshopify.com";
const MEMBERS = 250;
const DAY = 86_400_000;
let app: TestApp;
let shopId: string;
let otherShopId: string;
let storyShopId: string;

/**
 * Members the way the list meets them: three balances (so most share one), one last-activity
 * time, four creation days, every tenth without an email, ten sharing one, ids in no useful order.
 */
async function seedMembers(shop: string, prefix: string, count: number) {
  await app.prisma.$executeRaw`
    INSERT INTO "Member" (id, "shopId", "shopifyCustomerId", email, balance, "createdAt", "updatedAt")
    SELECT md5(${prefix} || i), ${shop}, (900000 + i)::text,
           CASE WHEN i % 10 = 0 THEN NULL
                WHEN i % 25 = 1 THEN 'shared@example.com'
                ELSE 'Member' || lpad(i::text, 4, '0') || '@example.com' END,
           (i % 3) * 50, now() - (i % 4) * interval '1 day', now()
      FROM generate_series(1, ${count}::int) AS i`;
}

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [SHOP, OTHER_SHOP, STORY_SHOP]) await app.installShop(shop);
  shopId = await app.configureProgram(SHOP, () => {});
  otherShopId = await app.configureProgram(OTHER_SHOP, () => {});
  storyShopId = await app.configureProgram(STORY_SHOP, (program) => {
    program.tiers.levels = [{ id: "silver", name: "Silver", threshold: 100, earnMultiplier: 1, entryBonusPoints: 10 }];
  });
  await seedMembers(shopId, "a", MEMBERS);
  await seedMembers(otherShopId, "b", 30);
  await app.prisma.member.updateMany({
    where: { shopId, shopifyCustomerId: "900042" },
    data: { firstName: "Ada", lastName: "Lovelace" },
  });
}, 120_000);
afterAll(() => app?.close());

const SORT_FIELDS = { email: "email", balance: "balance", lastActivity: "updatedAt", created: "createdAt" } as const;

/** The order the database itself gives, for comparison (no OFFSET concerns at this size). */
async function expectedOrder(sort: MemberSort, direction: "asc" | "desc") {
  const field = SORT_FIELDS[sort];
  const rows = await app.prisma.member.findMany({
    where: { shopId },
    select: { id: true },
    orderBy: [
      field === "email"
        ? { email: { sort: direction, nulls: direction === "asc" ? "last" : "first" } }
        : { [field]: direction },
      { id: direction },
    ],
  });
  return rows.map((row) => row.id);
}

async function walk(options: ListMembersOptions) {
  const pages: string[][] = [];
  let page = await listMembers(app.prisma, shopId, options);
  pages.push(page.members.map((m) => m.id));
  while (page.nextCursor) {
    page = await listMembers(app.prisma, shopId, { ...options, after: page.nextCursor });
    pages.push(page.members.map((m) => m.id));
  }
  // …and back from the last page to the first.
  const backwards: string[][] = [pages[pages.length - 1]!];
  while (page.previousCursor) {
    page = await listMembers(app.prisma, shopId, { ...options, before: page.previousCursor });
    backwards.unshift(page.members.map((m) => m.id));
  }
  return { forwards: pages, backwards };
}

describe("listMembers", () => {
  for (const sort of ["email", "balance", "lastActivity", "created"] as const) {
    for (const direction of ["asc", "desc"] as const) {
      it(`walks every member exactly once by ${sort} ${direction}, both ways, ties and all`, async () => {
        const { forwards, backwards } = await walk({ sort, direction, limit: 37 });
        expect(forwards.flat()).toEqual(await expectedOrder(sort, direction));
        expect(forwards.flat()).toHaveLength(MEMBERS);
        expect(forwards.slice(0, -1).every((page) => page.length === 37)).toBe(true);
        expect(backwards).toEqual(forwards);
      });
    }
  }

  it("answers with what the list shows, and no previous page on the first", async () => {
    const page = await listMembers(app.prisma, shopId, { sort: "balance", direction: "desc", limit: 2 });
    expect(page.previousCursor).toBeNull();
    expect(page.members[0]).toEqual({
      id: expect.any(String),
      shopifyCustomerId: expect.stringMatching(/^900\d{3}$/),
      email: expect.any(String),
      firstName: null,
      lastName: null,
      balance: 100,
      pending: 0,
      tierId: null,
      // Never paid for the paid membership (test/membership-admin.test.ts lists paying members).
      paidStatus: null,
      lastActivityAt: expect.any(Date),
      createdAt: expect.any(Date),
    });
    expect((await listMembers(app.prisma, shopId, { sort: "created", direction: "asc" })).members).toHaveLength(50);
  });

  it("finds members by email (any case, any part), name or exact customer id, in this shop only", async () => {
    const search = async (query: string) =>
      (await listMembers(app.prisma, shopId, { query, sort: "email", direction: "asc", limit: 100 })).members.map(
        (m) => m.shopifyCustomerId,
      );
    expect(await search("member0042")).toEqual(["900042"]);
    expect(await search("MEMBER0042@EXAMPLE")).toEqual(["900042"]);
    expect(await search("lovelace")).toEqual(["900042"]);
    expect(await search("ada love")).toEqual(["900042"]);
    expect(await search("900043")).toEqual(["900043"]);
    expect(await search("gid://shopify/Customer/900043")).toEqual(["900043"]);
    expect(await search("90004")).toEqual([]); // ids match exactly, not in part
    expect(await search("shared@")).toHaveLength(10);
    expect(await search("%")).toEqual([]); // wildcards are plain text
    expect(await search("_")).toEqual([]);

    const everyone = await walkSearch("EXAMPLE.COM");
    expect(everyone).toHaveLength(MEMBERS - MEMBERS / 10);
    expect(new Set(everyone).size).toBe(everyone.length);
    const otherShopIds = new Set(
      (await app.prisma.member.findMany({ where: { shopId: otherShopId }, select: { id: true } })).map((m) => m.id),
    );
    expect(everyone.some((id) => otherShopIds.has(id))).toBe(false);
  });

  it("refuses a tampered cursor, a cursor of another sort and a page over 100", async () => {
    const { nextCursor } = await listMembers(app.prisma, shopId, { sort: "balance", direction: "asc" });
    const forged = (json: unknown) => Buffer.from(JSON.stringify(json)).toString("base64url");
    const refused = [
      "not a cursor!",
      nextCursor!.slice(0, -3),
      forged({ s: "balance", v: "100; DROP TABLE", id: "x" }),
      forged({ s: "balance", v: 2 ** 60, id: "x" }),
      forged({ s: "created", v: "yesterday", id: "x" }),
      forged({ s: "balance", v: 50 }),
    ];
    for (const after of refused) {
      await expect(
        listMembers(app.prisma, shopId, { sort: "balance", direction: "asc", after }),
      ).rejects.toBeInstanceOf(MemberListRequestError);
    }
    await expect(
      listMembers(app.prisma, shopId, { sort: "email", direction: "asc", after: nextCursor! }),
    ).rejects.toBeInstanceOf(MemberListRequestError);
    await expect(
      listMembers(app.prisma, shopId, { sort: "email", direction: "asc", limit: 101 }),
    ).rejects.toBeInstanceOf(MemberListRequestError);
    // A well-formed cursor is a position, whatever text it holds: it is a parameter, never SQL.
    const odd = await listMembers(app.prisma, shopId, {
      sort: "email",
      direction: "asc",
      after: forged({ s: "email", v: "') OR 1=1 --", id: "x" }),
    });
    expect(odd.members.length).toBeGreaterThan(0);
  });
});

async function walkSearch(query: string) {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await listMembers(app.prisma, shopId, {
      query,
      sort: "balance",
      direction: "desc",
      limit: 100,
      after,
    });
    ids.push(...page.members.map((m) => m.id));
    after = page.nextCursor ?? undefined;
  } while (after);
  return ids;
}

describe("memberDetail", () => {
  const CUSTOMER = 9100;
  const paid = async (id: number, price: string, lineItemId?: number) => {
    const payload = orderPayload("orders/paid", {
      id,
      customer: { id: CUSTOMER, email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" },
      lines: [{ price, lineItemId }],
    });
    expect((await app.webhook("orders/paid", STORY_SHOP, { ...payload, name: `#${id}` })).status).toBe(200);
  };

  it("tells the member's story in plain words, newest first, with redemptions and tiers", async () => {
    await paid(1001, "120.00"); // 120, and Silver's 10
    await paid(1002, "500.00", 1002001);
    const redeemed = await fetch(
      `${app.url}/proxy/redemptions?${appProxyQuery({ shop: STORY_SHOP, customerId: CUSTOMER }, TEST_API_SECRET)}`,
      {
        method: "POST",
        headers: { "User-Agent": BROWSER_USER_AGENT, "Content-Type": "application/json" },
        body: JSON.stringify({ rewardId: "five-off" }),
      },
    );
    expect(redeemed.status).toBe(201);
    const adjusted = await app.admin(`/api/members/${CUSTOMER}/adjustments`, STORY_SHOP, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ points: 5, reason: "Sorry for the late parcel", idempotencyKey: "story-adjust-1" }),
    });
    expect(adjusted.status).toBe(201);
    const refund = refundPayload({ id: 5101, orderId: 1002, lines: [{ lineItemId: 1002001, subtotal: "100.00" }] });
    expect((await app.webhook("refunds/create", STORY_SHOP, refund)).status).toBe(200);
    await app.configureProgram(STORY_SHOP, (program) => {
      program.earning.order.holdDays = 7;
    });
    await paid(1003, "50.00");
    await releaseHeldPoints(app.prisma, new Date(Date.now() + 8 * DAY));
    await expirePoints(app.prisma, new Date(Date.now() + 400 * DAY), STORY_SHOP);

    const member = await app.prisma.member.findFirstOrThrow({
      where: { shopId: storyShopId, shopifyCustomerId: String(CUSTOMER) },
    });
    const detail = await memberDetail(app.prisma, storyShopId, member.id);
    expect(detail!.member).toMatchObject({
      id: member.id,
      email: "ada@example.com",
      // The name Shopify sent with the first order: members made by an order have names too.
      firstName: "Ada",
      lastName: "Lovelace",
      balance: 0,
      pending: 0,
      tier: { id: "silver", name: "Silver" },
    });
    const lines = detail!.ledger.map((entry) => entry.description);
    const expiredLots = lines.filter((line) => line === "Points expired").length;
    expect(expiredLots).toBeGreaterThan(0);
    expect(lines.slice(expiredLots)).toEqual([
      "Pending points now available for order #1003",
      "Earned on order #1003",
      "Taken back: order #1002 refunded",
      "Adjusted by the store: Sorry for the late parcel",
      "Redeemed: 5 off",
      "Earned on order #1002",
      "Bonus for reaching Silver",
      "Earned on order #1001",
    ]);
    expect(detail!.ledger.slice(0, expiredLots).reduce((sum, entry) => sum + entry.delta, 0)).toBe(
      -(120 + 10 + 500 - 500 + 5 - 100 + 50),
    );
    expect(detail!.ledgerTruncated).toBe(false);
    expect(detail!.redemptions).toEqual([
      expect.objectContaining({
        rewardId: "five-off",
        rewardName: "5 off",
        status: "active",
        pointsSpent: 500,
        code: expect.stringMatching(/^TALLY-/),
      }),
    ]);
    expect(detail!.tierHistory).toEqual([
      {
        id: expect.any(String),
        createdAt: expect.any(Date),
        from: null,
        to: { id: "silver", name: "Silver" },
        cause: "earn",
      },
    ]);
  });

  it("returns nothing for another shop's member", async () => {
    const theirs = await app.prisma.member.findFirstOrThrow({ where: { shopId: otherShopId } });
    expect(await memberDetail(app.prisma, shopId, theirs.id)).toBeNull();
    expect(await memberDetail(app.prisma, otherShopId, theirs.id)).not.toBeNull();
    expect(await memberDetail(app.prisma, shopId, "no-such-member")).toBeNull();
  });
});
