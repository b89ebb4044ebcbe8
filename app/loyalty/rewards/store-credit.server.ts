import type { OutboxTask, PrismaClient, Redemption } from "@prisma/client";
import { inTransaction } from "~/db/transaction.server";
import type { Tx } from "~/loyalty/points/ledger.server";
import { loadRunnableShop, type LoadedShop } from "~/loyalty/program/program.server";
import { minorUnitDigits } from "~/money/currency";
import { toMinorUnits } from "~/money/money";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { AdminUserError } from "~/shopify/errors";
import {
  creditStoreCredit,
  fetchStoreCreditSetting,
  recentStoreCredits,
  type CreditTransaction,
} from "~/shopify/store-credit.server";
import { retryTaskLater } from "~/shopify/task-retry.server";
import { claimInline } from "./codes.server";
import { activateStoreCredit, failRedemption, storeCreditTaskKey } from "./redemptions.server";
import { decimalAmount } from "~/money/money";
import { readStoreCreditSettings } from "./store-credit-settings.server";

/** How long a read of Shopify's store credit setting is trusted before a redemption reads it again. */
export const STORE_CREDIT_SETTING_TTL_MS = 60 * 60_000;

/**
 * Reads storeCreditConfiguration and the shop's currency from Shopify and keeps them on the shop,
 * for shopper reads to use without asking Shopify.
 */
export async function refreshStoreCreditSetting(
  db: PrismaClient,
  shop: { id: string; domain: string },
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
): Promise<boolean> {
  const { enabled, currencyCode } = await fetchStoreCreditSetting(
    await AdminGateway.forShop(db, shop.domain, gatewayOptions),
  );
  await db.shop.update({
    where: { id: shop.id },
    data: { storeCreditEnabled: enabled, storeCreditCheckedAt: now, currencyCode },
  });
  return enabled;
}

/**
 * When the program offers store credit: the setting read again if it is unknown or older than
 * `maxAgeMs` — on every save of the program (0), and before a shopper converts points (the TTL),
 * so a merchant who turned store credit off in Shopify is not credited against. Shopify
 * unreachable leaves the last reading in place (a credit that then fails refunds the points).
 */
export async function refreshStaleStoreCreditSetting(
  db: PrismaClient,
  shop: LoadedShop,
  now: Date,
  maxAgeMs = STORE_CREDIT_SETTING_TTL_MS,
  gatewayOptions?: AdminGatewayOptions,
) {
  if (!shop.program.rewards.some((reward) => reward.type === "store_credit")) return;
  const { checkedAt } = await readStoreCreditSettings(db, shop.id);
  if (checkedAt && now.getTime() - checkedAt.getTime() < maxAgeMs) return;
  try {
    await refreshStoreCreditSetting(db, shop, now, gatewayOptions);
  } catch (error) {
    console.warn(JSON.stringify({ event: "store_credit.setting_unread", shop: shop.domain, error: String(error) }));
  }
}

/**
 * The hourly pass: shops whose program offers store credit read Shopify's setting again when
 * their reading is older than the TTL, so turning store credit on (or off) in Shopify shows on
 * the storefront within the hour. Returns how many shops were read.
 */
export async function refreshStoreCreditSettings(db: PrismaClient, now: Date, gatewayOptions?: AdminGatewayOptions) {
  const stale = new Date(now.getTime() - STORE_CREDIT_SETTING_TTL_MS);
  const shops = await db.$queryRaw<{ id: string; domain: string }[]>`
    SELECT id, domain FROM "Shop"
     WHERE status = 'installed' AND program @> '{"rewards": [{"type": "store_credit"}]}'::jsonb
       AND ("storeCreditCheckedAt" IS NULL OR "storeCreditCheckedAt" < ${stale})
     LIMIT 1000`;
  let read = 0;
  for (const shop of shops) {
    try {
      await refreshStoreCreditSetting(db, shop, now, gatewayOptions);
      read++;
    } catch (error) {
      console.warn(JSON.stringify({ event: "store_credit.setting_unread", shop: shop.domain, error: String(error) }));
    }
  }
  return read;
}

/** What a redemption's credit, once made, also records in its transaction (billing's reward use). */
export type OnCredited = (tx: Tx, redemption: Redemption) => Promise<void>;

/**
 * Credits a pending store credit redemption to the customer's Shopify store credit, exactly once:
 * Shopify's `@idempotent` key is the redemption's, and any attempt after the first looks through
 * the account's recent credits first — a credit whose answer was lost is found, not made again.
 * The request calls it once, right away; the outbox job with the task it claimed, until the credit
 * is made or given up on. Shopify's refusals (userErrors) fail the redemption and refund its
 * points; throttling, 5xx and network failures are retried as TASK_RETRY says.
 */
export async function deliverStoreCredit(
  db: PrismaClient,
  redemptionId: string,
  now: Date,
  options: { gatewayOptions?: AdminGatewayOptions; claimed?: OutboxTask; onCredited?: OnCredited } = {},
): Promise<Redemption> {
  const redemption = await db.redemption.findUniqueOrThrow({
    where: { id: redemptionId },
    include: { member: true, shop: true },
  });
  const { member, shop: shopRow, ...plain } = redemption;
  if (plain.status !== "pending" || plain.storeCreditAmount === null || !plain.storeCreditCurrency) return plain;
  const task = options.claimed ?? (await claimInline(db, plain.shopId, storeCreditTaskKey(plain.id), now));
  if (!task || task.deliveredAt) return plain;
  const shop = await loadRunnableShop(db, plain.shopId);
  if (!shop) return plain;
  const finishTask = (tx: Tx) =>
    tx.outboxTask.update({ where: { id: task.id }, data: { deliveredAt: now, attempts: task.attempts + 1 } });
  const amount = {
    amount: decimalAmount(plain.storeCreditAmount, plain.storeCreditCurrency),
    currencyCode: plain.storeCreditCurrency,
  };
  try {
    if (!member.shopifyCustomerId)
      throw new AdminUserError(
        [{ message: "the member is no longer a Shopify customer", code: "OWNER_NOT_FOUND" }],
        "storeCreditAccountCredit",
        shopRow.domain,
      );
    // One attempt per call: a lost answer is looked up on the next attempt, never blindly resent.
    const admin = await AdminGateway.forShop(db, shopRow.domain, { ...options.gatewayOptions, maxAttempts: 1 });
    const landed =
      task.attempts > 0
        ? await findLandedCredit(
            db,
            plain,
            await recentStoreCredits(admin, member.shopifyCustomerId, amount.currencyCode),
          )
        : null;
    const transaction =
      landed ??
      (await creditStoreCredit(admin, {
        customerId: member.shopifyCustomerId,
        amount,
        expiresAt: plain.storeCreditExpiresAt,
        idempotencyKey: `tally-redemption-${plain.id}`,
      }));
    await inTransaction(db, async (tx) => {
      if (await activateStoreCredit(tx, plain.id, transaction.id, now)) {
        await options.onCredited?.(tx, { ...plain, status: "active", storeCreditTransactionId: transaction.id });
      }
      await finishTask(tx);
    });
  } catch (error) {
    if (!(await retryTaskLater(db, task, error, now))) {
      await inTransaction(db, async (tx) => {
        await failRedemption(tx, shop, plain.id, failureReason(error), now);
        await finishTask(tx);
      });
    }
  }
  return db.redemption.findUniqueOrThrow({ where: { id: plain.id } });
}

/** Shopify's refusal code first (the shopper's message is chosen by it), then what it said. */
function failureReason(error: unknown): string {
  if (error instanceof AdminUserError) {
    const code = error.userErrors.find((e) => e.code)?.code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String((error as Error).message ?? error);
}

/**
 * A credit already in the account for this redemption: same amount and expiry, made since the
 * redemption was, and not another redemption's. The oldest such, as credits land in order.
 */
async function findLandedCredit(
  db: PrismaClient,
  redemption: Redemption,
  credits: CreditTransaction[],
): Promise<CreditTransaction | null> {
  const digits = minorUnitDigits(redemption.storeCreditCurrency);
  // Shopify's clock and ours may differ a little.
  const since = redemption.createdAt.getTime() - 60_000;
  const expiry = redemption.storeCreditExpiresAt?.getTime() ?? null;
  const candidates = credits.filter(
    (credit) =>
      credit.amount.currencyCode === redemption.storeCreditCurrency &&
      toMinorUnits(credit.amount.amount, digits) === redemption.storeCreditAmount &&
      Date.parse(credit.createdAt) >= since &&
      (credit.expiresAt === null
        ? expiry === null
        : expiry !== null && Math.abs(Date.parse(credit.expiresAt) - expiry) < 1000),
  );
  if (!candidates.length) return null;
  const taken = await db.redemption.findMany({
    where: { shopId: redemption.shopId, storeCreditTransactionId: { in: candidates.map((credit) => credit.id) } },
    select: { storeCreditTransactionId: true },
  });
  const takenIds = new Set(taken.map((row) => row.storeCreditTransactionId));
  return (
    candidates
      .filter((credit) => !takenIds.has(credit.id))
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0] ?? null
  );
}
