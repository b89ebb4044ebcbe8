import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { awardBirthdays } from "~/jobs/points.server";
import { BROWSER_USER_AGENT } from "./support/constants";
import { startTestApp, type TestApp } from "./support/test-app";
import { orderPayload } from "./support/webhook-fixtures";

// A stored program that stops validating (a later schema, an edit outside Tally) must never turn
// into the default program: the last valid revision runs, or nothing is scored.
const SHOP = "last-valid-shop.myshopify.com";
const BROKEN = "no-valid-program-shop.myshopify.com";
let app: TestApp;

const GOOD = "birthday-good-shop.myshopify.com";
const DEAD = "birthday-dead-shop.myshopify.com";

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [SHOP, BROKEN, GOOD, DEAD]) await app.installShop(shop);
});
afterAll(() => app?.close());

/** What an edit outside Tally does: the stored document no longer passes the schema. */
async function corruptStoredProgram(shop: string, options: { keepLastValid: boolean }) {
  await app.prisma.$executeRawUnsafe(
    `UPDATE "Shop" SET program = jsonb_set(program, '{earning,order,pointsPerCurrencyUnit}', '-3')${options.keepLastValid ? "" : `, "lastValidProgram" = NULL, "lastValidRevision" = NULL`} WHERE domain = $1`,
    shop,
  );
}

const balanceOf = async (shop: string, customerId: number) =>
  (await app.prisma.member.findFirst({ where: { shop: { domain: shop }, shopifyCustomerId: String(customerId) } }))
    ?.balance;

describe("a saved program that no longer validates", () => {
  it("keeps the last valid revision running (not the default), logs it once, and the admin shows a banner", async () => {
    await app.configureProgram(SHOP, (program) => {
      program.earning.order.pointsPerCurrencyUnit = 5;
    });
    await corruptStoredProgram(SHOP, { keepLastValid: true });
    const logged = vi.spyOn(console, "error");
    try {
      for (const id of [7101, 7102]) {
        const paid = orderPayload("orders/paid", {
          id,
          customer: { id: 8101, email: "lv@example.com" },
          lines: [{ price: "10.00" }],
        });
        expect((await app.webhook("orders/paid", SHOP, paid)).status).toBe(200);
      }
      // 5 points per unit (revision 1), not the default program's 1.
      expect(Number(await balanceOf(SHOP, 8101))).toBe(100);
      const notices = logged.mock.calls.filter((call) => String(call[0]).includes("no longer validates"));
      expect(notices).toHaveLength(1);
      expect(String(notices[0]![0])).toContain("earning.order.pointsPerCurrencyUnit");
    } finally {
      logged.mockRestore();
    }

    const api = await (await app.admin("/api/program", SHOP)).json();
    expect(api).toMatchObject({
      running: "last_valid",
      revision: 1,
      program: { earning: { order: { pointsPerCurrencyUnit: 5 } } },
    });
    expect(api.problems.map((problem: { path: string }) => problem.path)).toEqual([
      "earning.order.pointsPerCurrencyUnit",
    ]);

    const page = await fetch(await app.adminDocumentUrl("/app/program", SHOP), {
      headers: { "User-Agent": BROWSER_USER_AGENT },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Your saved program no longer validates");
    expect(html).toContain("revision 1");
  });

  it("with no valid revision at all, orders/paid waits in the inbox and scores nothing until a valid program is saved", async () => {
    await app.configureProgram(BROKEN, (program) => {
      program.earning.order.pointsPerCurrencyUnit = 2;
    });
    await corruptStoredProgram(BROKEN, { keepLastValid: false });
    const paid = orderPayload("orders/paid", {
      id: 7201,
      customer: { id: 8201, email: "none@example.com" },
      lines: [{ price: "10.00" }],
    });
    const accepted = await app.webhook("orders/paid", BROKEN, paid, {
      webhookId: "no-valid-7201",
      awaitApplied: false,
    });
    expect(accepted.status).toBe(200);
    // The appliers look, find no program to score it under, and leave it waiting (never parked).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await balanceOf(BROKEN, 8201)).toBeUndefined();
    expect(await app.prisma.ledgerEntry.count({ where: { shop: { domain: BROKEN } } })).toBe(0);
    const [waiting] = await app.prisma.$queryRaw<{ pending: boolean }[]>`
      SELECT payload IS NOT NULL AND "parkedAt" IS NULL AS pending FROM "WebhookDelivery" WHERE "webhookId" = 'no-valid-7201'`;
    expect(waiting).toEqual({ pending: true });
    // Storefront reads of the program answer 503 too, rather than showing rules nobody chose.
    expect((await app.proxy("/member", { shop: BROKEN, customerId: 8201 })).status).toBe(503);

    const page = await fetch(await app.adminDocumentUrl("/app/program", BROKEN), {
      headers: { "User-Agent": BROWSER_USER_AGENT },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("no earlier version does");
    expect((await (await app.admin("/api/program", BROKEN)).json()).running).toBe("none");

    // The merchant saves a valid program; the waiting delivery is scored under it (Shopify's redelivery waits for it).
    await app.configureProgram(BROKEN, (program) => {
      program.earning.order.pointsPerCurrencyUnit = 3;
    });
    expect((await app.webhook("orders/paid", BROKEN, paid, { webhookId: "no-valid-7201" })).status).toBe(200);
    expect(Number(await balanceOf(BROKEN, 8201))).toBe(30);
  });

  it("jobs leave a shop with no valid program alone and still run for every other shop", async () => {
    const today = new Date();
    const birthday = new Date(Date.UTC(1990, today.getUTCMonth(), today.getUTCDate()));
    for (const [shop, customerId] of [
      [GOOD, "8301"],
      [DEAD, "8302"],
    ] as const) {
      const shopId = await app.configureProgram(shop, (program) => {
        program.earning.birthday = { points: 100 };
      });
      await app.prisma.member.create({ data: { shopId, shopifyCustomerId: customerId, birthday } });
    }
    await corruptStoredProgram(DEAD, { keepLastValid: false });
    await awardBirthdays(app.prisma, today);
    expect(Number(await balanceOf(GOOD, 8301))).toBe(100);
    expect(Number(await balanceOf(DEAD, 8302))).toBe(0);
  });
});
