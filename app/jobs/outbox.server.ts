import type { PrismaClient } from "@prisma/client";
import { fromBigInt } from "~/db/bigint";
import { claimDueTasks } from "~/db/outbox-claims.server";
import { inTransaction } from "~/db/transaction.server";
import { deliverUsageCharge } from "~/loyalty/billing/billing.server";
import { loadRunnableShop } from "~/loyalty/program/program.server";
import { deliverRedemptionCode } from "~/loyalty/rewards/codes.server";
import { expireUnusedCode, UNUSED_CODE_GRACE_MS } from "~/loyalty/rewards/redemptions.server";
import type { AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import type { JobReport } from "./job-report";

/** One pass over due discount-code tasks. */
export async function deliverOutbox(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "outbox", processed: 0, points: 0 };
  const due = await claimDueTasks(db, "create_discount", now, 100);
  for (const task of due) {
    const redemption = await deliverRedemptionCode(
      db,
      (task.payload as { redemptionId: string }).redemptionId,
      now,
      gatewayOptions,
      task,
    );
    report.processed++;
    if (redemption.status === "active") report.points += fromBigInt(redemption.pointsSpent);
  }
  return report;
}

/** Unused codes past their end (and a day's grace for late webhooks) expire. */
export async function expireUnusedCodes(db: PrismaClient, now: Date): Promise<JobReport> {
  const report = { job: "expire_codes", processed: 0, points: 0 };
  const expired = await db.redemption.findMany({
    where: { status: "active", endsAt: { lte: new Date(now.getTime() - UNUSED_CODE_GRACE_MS) } },
    select: { id: true, shopId: true, pointsSpent: true },
    take: 1000,
  });
  for (const redemption of expired) {
    const shop = await loadRunnableShop(db, redemption.shopId);
    if (!shop) continue;
    if (await inTransaction(db, (tx) => expireUnusedCode(tx, shop, redemption.id, now))) {
      report.processed++;
      report.points += fromBigInt(redemption.pointsSpent);
    }
  }
  return report;
}

/** One pass over due usage charges: each recorded in Shopify once (app/loyalty/billing). */
export async function recordUsageCharges(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "usage", processed: 0, points: 0 };
  for (const task of await claimDueTasks(db, "record_usage", now, 100)) {
    if ((await deliverUsageCharge(db, task, now, gatewayOptions)) !== "retry") report.processed++;
  }
  return report;
}
