import type { OutboxTask, Prisma, PrismaClient } from "@prisma/client";
import { claimDueTasks } from "~/db/outbox-claims.server";
import { inTransaction } from "~/db/transaction.server";
import { awardNewsletterSignup } from "~/loyalty/actions/actions.server";
import { loadRunnableShop } from "~/loyalty/program/program.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { ShopNotInstalledError } from "~/shopify/errors";
import { customerEmailMarketingState, type EmailMarketingState } from "~/shopify/marketing-consent.server";
import { retryTaskLater } from "~/shopify/task-retry.server";
import type { JobReport } from "./job-report";

/**
 * One pass over due newsletter consent checks (queued on customers/create): the new customer's
 * email marketing state read from Shopify, and the program's newsletter actions awarded if they
 * are subscribed — under the same keys as the consent webhook's award, so whichever comes first
 * awards and the other finds it done. A customer Shopify or Tally no longer has (deleted, erased)
 * finishes the task; throttling, 5xx and network failures wait as TASK_RETRY says.
 */
export async function checkNewsletterConsents(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<JobReport> {
  const report = { job: "newsletter_consent", processed: 0, points: 0 };
  for (const task of await claimDueTasks(db, "check_newsletter_consent", now, 100)) {
    const { memberId } = task.payload as { memberId: string };
    const shop = await loadRunnableShop(db, task.shopId);
    const member = shop
      ? await db.member.findFirst({ where: { id: memberId, shopId: task.shopId }, select: { shopifyCustomerId: true } })
      : null;
    const customerId = member?.shopifyCustomerId;
    if (!shop || !customerId) {
      await finish(db, task, now);
      continue;
    }
    let state: EmailMarketingState | null;
    try {
      const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions);
      state = await customerEmailMarketingState(admin, customerId);
    } catch (error) {
      if (error instanceof ShopNotInstalledError || !(await retryTaskLater(db, task, error, now))) {
        console.error(
          JSON.stringify({ event: "newsletter_consent.not_checked", shop: shop.domain, error: String(error) }),
        );
        await finish(db, task, now);
      }
      continue;
    }
    await inTransaction(db, async (tx) => {
      // Still the same customer: erased or deleted meanwhile, nobody is awarded.
      const still = await tx.member.count({ where: { id: memberId, shopifyCustomerId: customerId } });
      if (state === "SUBSCRIBED" && still) {
        for (const result of await awardNewsletterSignup(tx, shop, { customerId, now }))
          if (result.status === "awarded") report.points += result.points;
      }
      await finish(tx, task, now);
    });
    report.processed++;
  }
  return report;
}

const finish = (db: PrismaClient | Prisma.TransactionClient, task: OutboxTask, now: Date) =>
  db.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts: task.attempts + 1 } });
