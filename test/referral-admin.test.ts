import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POINTS_JOBS } from "~/jobs/points.server";
import { dashboardMetrics, type DashboardRange } from "~/loyalty/reports/dashboard.server";
import { ledgerDiscrepancies } from "~/loyalty/points/ledger.server";
import { loadShop } from "~/loyalty/program/program.server";
import type { ReferralFigures, ReferralRow } from "~/loyalty/reports/referrals.server";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

const SHOP = "referral-admin.myshopify.com";
const OTHER_SHOP = "referral-admin-other.myshopify.com";
const QUIET_SHOP = "referral-admin-quiet.myshopify.com";
const DAY = 86_400_000;
const REFERRER = 8001;
let app: TestApp;
let shopId: string;
let nextOrder = 51_000;

/** A paid order as Shopify sends it, with the referral code as the theme's cart attribute. */
async function paid(shop: string, customerId: number, email: string, price: string, code?: string) {
  const id = nextOrder++;
  const payload = orderPayload("orders/paid", {
    id,
    customer: { id: customerId, email },
    lines: [{ price }],
  }) as Record<string, unknown>;
  payload.name = `#${id}`;
  payload.note_attributes = code ? [{ name: "_tally_ref", value: code }] : [];
  payload.shipping_address = { address1: `${customerId} Main Street`, zip: "10001", country_code: "US", phone: null };
  expect((await app.webhook("orders/paid", shop, payload)).status).toBe(200);
}

/** A shop with referrals on (no hold), a referrer with an email, and their code. */
async function referralShop(shop: string, referrer: number) {
  const id = await app.configureProgram(shop, (program) => {
    program.referrals.enabled = true;
    program.referrals.holdDays = 0;
  });
  await paid(shop, referrer, `referrer-${referrer}@example.com`, "20.00");
  const member = (await (await app.proxy("/member", { shop, customerId: referrer })).json()) as {
    referral: { code: string };
  };
  return { id, code: member.referral.code };
}

const settle = () => POINTS_JOBS.referrals(app.prisma, new Date(Date.now() + DAY));

/** A route's loader data as the admin's browser reads it (Remix single fetch). */
async function routeData<T>(path: string, shop: string, init?: RequestInit): Promise<{ status: number; data: T }> {
  const [pathname, query = ""] = path.split("?");
  const params = new URLSearchParams(query);
  if (!init?.method) params.set("_routes", "routes/app.referrals");
  const response = await app.admin(`${pathname}.data?${params}`, shop, init);
  const decoded = (await decode(response.body!)).value as Record<string, { data: T }> & { data?: T };
  return { status: response.status, data: init?.method ? decoded.data! : decoded["routes/app.referrals"]!.data };
}

type ReferralsPage = {
  referrals: ReferralRow[];
  figures: ReferralFigures;
  nextCursor: string | null;
  previousCursor: string | null;
  currencyCode: string | null;
};
const referralsPage = (query = "", shop = SHOP) =>
  routeData<ReferralsPage>(`/app/referrals${query}`, shop).then((result) => result.data);
const review = (intent: string, referralId: string, shop = SHOP) =>
  routeData<{ ok: boolean; error?: string }>("/app/referrals", shop, {
    method: "POST",
    body: new URLSearchParams({ intent, referralId }),
  });

const referrerBalance = async () =>
  Number(
    (
      await app.prisma.member.findUniqueOrThrow({
        where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId: String(REFERRER) } },
      })
    ).balance,
  );
const referralOf = (customerId: number) =>
  app.prisma.referral.findUniqueOrThrow({
    where: { shopId_refereeCustomerId: { shopId, refereeCustomerId: String(customerId) } },
  });
/** Yesterday through the day after tomorrow: the job settles "tomorrow", so rewards are dated then. */
const aroundToday = (): DashboardRange => ({ from: new Date(Date.now() - DAY), to: new Date(Date.now() + 2 * DAY) });
const rangeQuery = () => {
  const { from, to } = aroundToday();
  return `?${new URLSearchParams({ from: from.toISOString(), to: to.toISOString() })}`;
};

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [SHOP, OTHER_SHOP, QUIET_SHOP]) await app.installShop(shop);
  const seeded = await referralShop(SHOP, REFERRER);
  shopId = seeded.id;
  // Two friends follow the link.
  for (let i = 0; i < 2; i++) await app.proxy(`/r/${seeded.code}`, { shop: SHOP, customerId: null });
  await paid(SHOP, 8002, "grace@example.com", "50.00", seeded.code); // rewarded
  await paid(SHOP, 8003, "temp@mailinator.com", "60.00", seeded.code); // held: a throwaway address
  await paid(SHOP, 8004, "dennis@example.com", "30.00");
  await paid(SHOP, 8004, "dennis@example.com", "40.00", seeded.code); // rejected: already a customer
  await settle();
  const other = await referralShop(OTHER_SHOP, 9001);
  await paid(OTHER_SHOP, 9002, "temp@mailinator.com", "70.00", other.code);
  await settle();
  await app.configureProgram(QUIET_SHOP, () => {});
});
afterAll(() => app?.close());

describe("the admin's referrals page", () => {
  it("lists the shop's referrals newest first, with the referrer, the signals in words and the order", async () => {
    const { referrals, currencyCode } = await referralsPage();
    expect(currencyCode).toBe("EUR");
    expect(referrals.map((row) => [row.refereeCustomerId, row.status])).toEqual([
      ["8004", "rejected"],
      ["8003", "held"],
      ["8002", "rewarded"],
    ]);
    const held = referrals[1]!;
    expect(held).toMatchObject({
      reviewable: true,
      referrer: { email: `referrer-${REFERRER}@example.com` },
      order: { amount: 60, name: expect.stringMatching(/^#\d+$/) },
    });
    expect(held.signals).toEqual([expect.objectContaining({ kind: "disposable_email", severity: "soft" })]);
    expect(referrals[2]).toMatchObject({ reviewable: false, rewardedAt: expect.any(Date) });
    expect(referrals[0]!.signals).toEqual([expect.objectContaining({ kind: "existing_customer", severity: "hard" })]);
  });

  it("filters by status and pages by cursor", async () => {
    expect((await referralsPage("?status=review")).referrals.map((row) => row.refereeCustomerId)).toEqual(["8003"]);
    expect((await referralsPage("?status=closed")).referrals.map((row) => row.refereeCustomerId)).toEqual(["8004"]);
    const first = await referralsPage("?limit=2");
    expect(first.referrals.map((row) => row.refereeCustomerId)).toEqual(["8004", "8003"]);
    expect(first.previousCursor).toBeNull();
    const second = await referralsPage(`?limit=2&after=${first.nextCursor}`);
    expect(second.referrals.map((row) => row.refereeCustomerId)).toEqual(["8002"]);
    expect(second.nextCursor).toBeNull();
    const back = await referralsPage(`?limit=2&before=${second.previousCursor}`);
    expect(back.referrals.map((row) => row.refereeCustomerId)).toEqual(["8004", "8003"]);
    expect((await app.admin("/app/referrals.data?after=not-a-cursor", SHOP)).status).toBe(400);
  });

  it("counts visits, referrals, conversions, rewards, referred customers' sales and the review queue", async () => {
    expect((await referralsPage(rangeQuery())).figures).toEqual({
      visits: 2,
      referrals: 3,
      conversions: 2,
      rewarded: 1,
      revenue: 110,
      awaitingReview: 1,
    });
  });

  it("approves a held referral once: the referrer is rewarded, a second decision is refused", async () => {
    const held = await referralOf(8003);
    const before = await referrerBalance();
    const approved = await review("approve", held.id);
    expect(approved).toEqual({ status: 200, data: { ok: true, decision: "approve" } });
    expect(await referrerBalance()).toBe(before + 500);
    expect(await referralOf(8003)).toMatchObject({ status: "rewarded", reviewedAt: expect.any(Date) });

    expect(await review("approve", held.id)).toEqual({ status: 400, data: { ok: false, error: "not_reviewable" } });
    expect(await review("reject", held.id)).toEqual({ status: 400, data: { ok: false, error: "not_reviewable" } });
    expect(await referrerBalance()).toBe(before + 500);
    expect((await referralsPage(rangeQuery())).figures).toMatchObject({ rewarded: 2, awaitingReview: 0 });
    expect(await ledgerDiscrepancies(app.prisma, shopId)).toEqual([]);
  });

  it("answers 404 for another shop's referral and 400 for a request it does not understand", async () => {
    const foreign = await app.prisma.referral.findFirstOrThrow({ where: { shop: { domain: OTHER_SHOP } } });
    expect(await review("approve", foreign.id)).toEqual({ status: 404, data: { ok: false, error: "not_found" } });
    expect(await app.prisma.referral.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({
      status: "held",
      reviewedAt: null,
    });
    expect((await review("pay-twice", foreign.id)).status).toBe(400);
    // The other shop decides on its own referral.
    expect(await review("reject", foreign.id, OTHER_SHOP)).toEqual({
      status: 200,
      data: { ok: true, decision: "reject" },
    });
  });

  it("the home dashboard shows the referral figures only for a shop with referrals", async () => {
    const figures = async (shop: string) => {
      const id = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
      return (await dashboardMetrics(app.prisma, await loadShop(app.prisma, id), aroundToday(), "EUR")).referrals;
    };
    expect(await figures(SHOP)).toMatchObject({ referrals: 3, conversions: 2, revenue: 110 });
    expect(await figures(QUIET_SHOP)).toBeNull();
    // Turned off, the figures stay while there is referral data to show.
    await app.configureProgram(SHOP, (program) => void (program.referrals.enabled = false));
    expect(await figures(SHOP)).toMatchObject({ referrals: 3 });
  });
});
