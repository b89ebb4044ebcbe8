import type { Order, Prisma, PrismaClient } from "@prisma/client";
import { inTransaction } from "~/db/transaction.server";
import type { ShopperLanguage } from "~/languages";
import { flowTriggerLanguage, queueFlowEvent } from "~/loyalty/points/flow-events.server";
import { credit, debit, lockMemberForCustomer, type LockedMember, type Tx } from "~/loyalty/points/ledger.server";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import type { Survey } from "~/loyalty/program/program";
import { answersSchema, npsCategory, publicSurvey, surveyForOrder, type PublicSurvey } from "./surveys";

/**
 * Answering post-purchase surveys (issue 23, docs/surveys.md): one answer per survey and order,
 * points for a member's keyed `survey:<survey>:<order>` (held like the order's, taken back when
 * the order is cancelled within the hold), Flow's "survey answered".
 */

const DAY_MS = 86_400_000;
/** Recent orders the customer account asks about (and how many at most). */
const PENDING_DAYS = 30;
const PENDING_MAX = 3;

type PaidOrderRow = Pick<
  Order,
  | "id"
  | "shopifyOrderId"
  | "shopifyCustomerId"
  | "memberId"
  | "name"
  | "placedAt"
  | "paidAt"
  | "holdDays"
  | "cancelledAt"
>;

/** Which paid order of its customer this is (1 for the first); null for a guest's. */
async function orderNumber(db: PrismaClient | Tx, shopId: string, order: PaidOrderRow): Promise<number | null> {
  if (!order.shopifyCustomerId) return null;
  const placedAt = order.placedAt ?? order.paidAt!;
  const [row] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT COUNT(*) AS n FROM "Order"
     WHERE "shopId" = ${shopId} AND "shopifyCustomerId" = ${order.shopifyCustomerId} AND "paidAt" IS NOT NULL AND NOT test
       AND (COALESCE("placedAt", "paidAt") < ${placedAt} OR (COALESCE("placedAt", "paidAt") = ${placedAt} AND "shopifyOrderId" <= ${order.shopifyOrderId}))`;
  return Number(row?.n ?? 1);
}

/**
 * The caller's order: a customer's own paid order, or (no customer on the caller) a guest order.
 * `processing` before `orders/paid` was recorded; `not_found` for anyone else's.
 */
async function callersOrder(
  db: PrismaClient | Tx,
  shopId: string,
  customerId: string | null,
  shopifyOrderId: string,
): Promise<{ status: "processing" } | { status: "not_found" } | { status: "ok"; order: PaidOrderRow }> {
  const order = await db.order.findUnique({ where: { shopId_shopifyOrderId: { shopId, shopifyOrderId } } });
  if (!order?.paidAt) return { status: "processing" };
  if (order.test || order.shopifyCustomerId !== customerId) return { status: "not_found" };
  return { status: "ok", order };
}

export type SurveyForOrderAnswer =
  | { status: "processing" }
  | { status: "not_found" }
  | { status: "ok"; survey: PublicSurvey | null; answer: { score: number; points: number } | null };

/** The survey that asks the caller about their order (the thank-you and order status pages), and their answer if any. */
export async function surveyForCallersOrder(
  db: PrismaClient,
  shop: LoadedShop,
  customerId: string | null,
  shopifyOrderId: string,
  language: ShopperLanguage,
): Promise<SurveyForOrderAnswer> {
  const found = await callersOrder(db, shop.id, customerId, shopifyOrderId);
  if (found.status !== "ok") return found;
  const { order } = found;
  const survey = surveyForOrder(shop.program, await orderNumber(db, shop.id, order), order.placedAt ?? order.paidAt!);
  if (!survey) return { status: "ok", survey: null, answer: null };
  const answer = await db.surveyAnswer.findUnique({
    where: { shopId_surveyId_shopifyOrderId: { shopId: shop.id, surveyId: survey.id, shopifyOrderId } },
    select: { score: true, points: true },
  });
  return { status: "ok", survey: publicSurvey(survey, language), answer };
}

/** The customer's recent paid orders a survey asks about and they have not answered (the customer account). */
export async function pendingSurveys(
  db: PrismaClient,
  shop: LoadedShop,
  customerId: string,
  language: ShopperLanguage,
  now: Date,
) {
  if (!shop.program.enabled || !shop.program.surveys.length) return [];
  // The recent orders with their number among the customer's paid orders (orderNumber's count), in one read.
  const orders = await db.$queryRaw<
    { shopifyOrderId: string; name: string | null; placedAt: Date; cancelledAt: Date | null; number: bigint }[]
  >`
    SELECT * FROM (
      SELECT "shopifyOrderId", name, COALESCE("placedAt", "paidAt") AS "placedAt", "cancelledAt",
             ROW_NUMBER() OVER (ORDER BY COALESCE("placedAt", "paidAt"), "shopifyOrderId") AS number
        FROM "Order"
       WHERE "shopId" = ${shop.id} AND "shopifyCustomerId" = ${customerId} AND "paidAt" IS NOT NULL AND NOT test
    ) numbered
     WHERE "cancelledAt" IS NULL AND "placedAt" >= ${new Date(now.getTime() - PENDING_DAYS * DAY_MS)}
     ORDER BY "placedAt" DESC
     LIMIT 20`;
  const answered = new Set(
    (
      await db.surveyAnswer.findMany({
        where: { shopId: shop.id, shopifyOrderId: { in: orders.map((order) => order.shopifyOrderId) } },
        select: { surveyId: true, shopifyOrderId: true },
      })
    ).map((answer) => `${answer.surveyId}:${answer.shopifyOrderId}`),
  );
  const pending = [];
  for (const order of orders) {
    const survey = surveyForOrder(shop.program, Number(order.number), order.placedAt);
    if (!survey || answered.has(`${survey.id}:${order.shopifyOrderId}`)) continue;
    pending.push({
      orderId: order.shopifyOrderId,
      orderName: order.name,
      placedAt: order.placedAt.toISOString(),
      survey: publicSurvey(survey, language),
    });
    if (pending.length === PENDING_MAX) break;
  }
  return pending;
}

export type AnswerResult =
  | { status: "created" | "existing"; answer: { surveyId: string; orderId: string; score: number; points: number } }
  | { status: "processing" | "not_found" | "survey_closed" }
  | { status: "invalid"; issues: { path: string; message: string }[] };

const answerKey = (surveyId: string, shopifyOrderId: string) => `survey:${surveyId}:${shopifyOrderId}`;

/**
 * Records the caller's answer about their order, once: a retry (or a second answer) returns the
 * first. Invalid answers write nothing. A member's answer earns the survey's points, held until
 * the order's hold ends; Flow hears of it.
 */
export async function answerSurvey(
  db: PrismaClient,
  shop: LoadedShop,
  input: {
    surveyId: string;
    shopifyOrderId: string;
    customerId: string | null;
    body: unknown;
    language: ShopperLanguage;
    now: Date;
  },
): Promise<AnswerResult> {
  const found = await callersOrder(db, shop.id, input.customerId, input.shopifyOrderId);
  if (found.status !== "ok") return found;
  const { order } = found;
  const survey = surveyForOrder(shop.program, await orderNumber(db, shop.id, order), order.placedAt ?? order.paidAt!);
  if (!survey || survey.id !== input.surveyId || order.cancelledAt) return { status: "survey_closed" };
  const parsed = answersSchema(survey).safeParse(input.body);
  if (!parsed.success) {
    return {
      status: "invalid",
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    };
  }
  const {
    nps: score,
    comment,
    ...answers
  } = parsed.data as { nps: number; comment?: string } & Record<string, unknown>;
  return inTransaction(db, async (tx) => {
    const member = order.shopifyCustomerId ? await lockMemberForCustomer(tx, shop.id, order.shopifyCustomerId) : null;
    const tier = member
      ? await tx.member.findUniqueOrThrow({ where: { id: member.id }, select: { tierId: true } })
      : null;
    const points = member && survey.points > 0 ? survey.points : 0;
    // One answer per survey and order: a retry, or a racing second answer, finds the first.
    const inserted = await tx.surveyAnswer.createMany({
      data: [
        {
          shopId: shop.id,
          surveyId: survey.id,
          shopifyOrderId: order.shopifyOrderId,
          memberId: member?.id ?? null,
          shopifyCustomerId: order.shopifyCustomerId,
          score,
          answers: answers as Prisma.InputJsonValue,
          comment: comment || null,
          language: input.language,
          tierId: tier?.tierId ?? null,
          points,
          createdAt: input.now,
        },
      ],
      skipDuplicates: true,
    });
    const saved = await tx.surveyAnswer.findUniqueOrThrow({
      where: {
        shopId_surveyId_shopifyOrderId: { shopId: shop.id, surveyId: survey.id, shopifyOrderId: order.shopifyOrderId },
      },
    });
    const answer = { surveyId: survey.id, orderId: order.shopifyOrderId, score: saved.score, points: saved.points };
    if (!inserted.count) return { status: "existing" as const, answer };
    if (member) await rewardAnswer(tx, shop, survey, order, member, points, score, comment ?? "", input.now);
    return { status: "created" as const, answer };
  });
}

async function rewardAnswer(
  tx: Tx,
  shop: LoadedShop,
  survey: Survey,
  order: PaidOrderRow,
  member: LockedMember,
  points: number,
  score: number,
  comment: string,
  now: Date,
) {
  const key = answerKey(survey.id, order.shopifyOrderId);
  const placedAt = order.placedAt ?? order.paidAt!;
  const heldUntil = new Date(placedAt.getTime() + order.holdDays * DAY_MS);
  await credit(tx, member, {
    key,
    kind: "bonus",
    points,
    now,
    availableAt: heldUntil > now ? heldUntil : now,
    expiresAt: expiresAtFor(shop.program, now),
    source: key,
    sourceType: "survey",
    sourceId: `${survey.id}:${order.shopifyOrderId}`,
    reason: survey.name,
  });
  if (!(await flowTriggerLanguage(tx, shop.id, "surveyAnswered"))) return;
  await queueFlowEvent(
    tx,
    shop.id,
    "surveyAnswered",
    `survey:${survey.id}:${order.shopifyOrderId}:answered`,
    member.id,
    {
      "Survey id": survey.id,
      "Survey name": survey.name,
      Score: score,
      Category: npsCategory(score),
      Comment: comment,
      "Order id": order.shopifyOrderId,
      Points: points,
    },
    now,
  );
}

/**
 * An order cancelled within its hold takes back the points its survey answers earned (from their
 * own lots first); one cancelled later keeps them. Called by settleOrder; nothing is read when no
 * answer of the order earned points.
 */
export async function takeBackSurveyPoints(tx: Tx, member: LockedMember, order: Order, now: Date) {
  const placedAt = order.placedAt ?? order.paidAt;
  if (!order.cancelledAt || !placedAt || order.cancelledAt.getTime() > placedAt.getTime() + order.holdDays * DAY_MS)
    return;
  const answers = await tx.surveyAnswer.findMany({
    where: { shopId: member.shopId, shopifyOrderId: order.shopifyOrderId, memberId: member.id, points: { gt: 0 } },
    select: { surveyId: true, points: true },
  });
  for (const answer of answers) {
    const key = answerKey(answer.surveyId, order.shopifyOrderId);
    await debit(tx, member, {
      key: `${key}:reverse`,
      kind: "reverse",
      points: answer.points,
      now,
      fromSource: key,
      includePending: true,
      sourceType: "survey",
      sourceId: `${answer.surveyId}:${order.shopifyOrderId}`,
    });
  }
}

/**
 * customers/redact: the shopper's comments and answers are erased (a guest's through the orders
 * Shopify names); scores stay for the shop's NPS.
 */
export async function eraseSurveyText(
  tx: Tx,
  shopId: string,
  shopper: { shopifyCustomerId: string; memberId: string | null; orders: string[] },
  now: Date,
) {
  await tx.surveyAnswer.updateMany({
    where: {
      shopId,
      OR: [
        { shopifyCustomerId: shopper.shopifyCustomerId },
        ...(shopper.memberId ? [{ memberId: shopper.memberId }] : []),
        { shopifyOrderId: { in: shopper.orders } },
      ],
    },
    data: { comment: null, answers: {}, shopifyCustomerId: null, redactedAt: now },
  });
}
