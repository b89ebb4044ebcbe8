import { Prisma, type PrismaClient } from "@prisma/client";
import { totalInUnits } from "~/money/money";
import { z } from "zod";
import type { DashboardRange } from "./dashboard.server";
import type { ReferralSignal } from "~/loyalty/referrals/signals";
import { REFERRAL_STATUSES, type ReferralStatus } from "~/loyalty/referrals/statuses";

/**
 * What the admin reads about referrals: the list (newest first, keyset-paginated on
 * (createdAt, id) through the (shopId, createdAt) index) and the figures over a date range.
 * Every query is scoped by the shop's id. The decisions themselves live in referrals.server.ts.
 */

// The route reads the statuses from here with the list they filter.
export { REFERRAL_STATUSES, type ReferralStatus };

/** The list's filters, each a group of statuses the merchant thinks of as one. */
export const REFERRAL_FILTERS = {
  all: [...REFERRAL_STATUSES],
  review: ["held", "capped"],
  awaiting: ["awaiting_order"],
  qualifying: ["qualifying"],
  rewarded: ["rewarded"],
  closed: ["void", "rejected", "reversed"],
} satisfies Record<string, ReferralStatus[]>;
export type ReferralFilter = keyof typeof REFERRAL_FILTERS;

/** Statuses the merchant can approve or reject (reviewReferral). */
export const REVIEWABLE_STATUSES: ReferralStatus[] = ["held", "capped"];

export const listReferralsOptionsSchema = z
  .object({
    status: z.enum(Object.keys(REFERRAL_FILTERS) as [ReferralFilter, ...ReferralFilter[]]).default("all"),
    /** The page after this cursor (a `nextCursor`)… */
    after: z.string().max(200).optional(),
    /** …or the page before it (a `previousCursor`). */
    before: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .refine((options) => !(options.after && options.before), { message: "after or before, not both", path: ["before"] });

export type ListReferralsOptions = z.input<typeof listReferralsOptionsSchema>;

/** A tampered cursor or options out of range: the route answers 400. */
export class ReferralListRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReferralListRequestError";
  }
}

export interface ReferralRow {
  id: string;
  createdAt: Date;
  status: ReferralStatus;
  source: string;
  signals: ReferralSignal[];
  referrer: { id: string; email: string | null; name: string | null };
  /** The friend's Shopify customer id: Tally keeps no other detail of a friend on the referral. */
  refereeCustomerId: string;
  order: {
    name: string | null;
    /** Points-eligible amount in whole currency units, for display. */ amount: number;
  } | null;
  qualifiesAt: Date | null;
  rewardedAt: Date | null;
  reviewable: boolean;
}

export interface ReferralListPage {
  referrals: ReferralRow[];
  nextCursor: string | null;
  previousCursor: string | null;
}

const cursorSchema = z.object({ at: z.iso.datetime(), id: z.string().min(1).max(100) });

const encodeCursor = (row: { createdAt: Date; id: string }) =>
  Buffer.from(JSON.stringify({ at: row.createdAt.toISOString(), id: row.id })).toString("base64url");

function decodeCursor(cursor: string): { at: Date; id: string } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new ReferralListRequestError("invalid cursor");
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new ReferralListRequestError("invalid cursor");
  return { at: new Date(parsed.data.at), id: parsed.data.id };
}

/** One page of the shop's referrals, newest first, with the referrer and the friend's first order. */
export async function listReferrals(
  db: PrismaClient,
  shopId: string,
  input: ListReferralsOptions,
): Promise<ReferralListPage> {
  const parsed = listReferralsOptionsSchema.safeParse(input);
  if (!parsed.success) throw new ReferralListRequestError(parsed.error.issues.map((issue) => issue.message).join("; "));
  const { status, after, before, limit } = parsed.data;
  const cursor = after ?? before;
  const position = cursor ? decodeCursor(cursor) : null;
  // A previous page is read upwards from its cursor, then put back in newest-first order.
  const backwards = Boolean(before);
  const beyond = backwards ? "gt" : "lt";
  const order = backwards ? "asc" : "desc";
  const rows = await db.referral.findMany({
    where: {
      shopId,
      status: { in: REFERRAL_FILTERS[status] },
      ...(position && {
        OR: [{ createdAt: { [beyond]: position.at } }, { createdAt: position.at, id: { [beyond]: position.id } }],
      }),
    },
    orderBy: [{ createdAt: order }, { id: order }],
    take: limit + 1,
    include: { referrer: { select: { id: true, email: true, firstName: true, lastName: true } } },
  });
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backwards) page.reverse();
  // Referral.orderId has no relation in the schema: the orders are read by id, in the shop.
  const orderIds = page.map((row) => row.orderId).filter((id): id is string => id !== null);
  const orders = orderIds.length
    ? await db.order.findMany({
        where: { shopId, id: { in: orderIds } },
        select: { id: true, name: true, eligibleCents: true, currencyCode: true },
      })
    : [];
  const orderById = new Map(orders.map((order) => [order.id, order]));
  const first = page[0];
  const last = page[page.length - 1];
  return {
    referrals: page.map((row) => {
      const order = row.orderId ? orderById.get(row.orderId) : undefined;
      const name = [row.referrer.firstName, row.referrer.lastName].filter(Boolean).join(" ");
      return {
        id: row.id,
        createdAt: row.createdAt,
        status: row.status as ReferralStatus,
        source: row.source,
        signals: row.signals as unknown as ReferralSignal[],
        referrer: { id: row.referrer.id, email: row.referrer.email, name: name || null },
        refereeCustomerId: row.refereeCustomerId,
        order: order
          ? {
              name: order.name,
              amount: totalInUnits([{ currencyCode: order.currencyCode, minorUnits: order.eligibleCents }]),
            }
          : null,
        qualifiesAt: row.qualifiesAt,
        rewardedAt: row.rewardedAt,
        reviewable: REVIEWABLE_STATUSES.includes(row.status as ReferralStatus),
      };
    }),
    nextCursor: last && (backwards || more) ? encodeCursor(last) : null,
    previousCursor: first && (backwards ? more : Boolean(after)) ? encodeCursor(first) : null,
  };
}

export interface ReferralFigures {
  /** Visits through members' referral links in the range. */
  visits: number;
  /** Friends attributed in the range (at sign-up or on their first order), whatever came of it. */
  referrals: number;
  /** Friends whose attributed first paid order was placed in the range and was not void or rejected. */
  conversions: number;
  /** Referrals whose referrer was rewarded in the range (and not taken back since). */
  rewarded: number;
  /**
   * Points-eligible sales of paid, non-test, non-cancelled orders placed in the range by referred
   * friends (every order of theirs, not only the first), as the dashboard counts sales. Friends
   * whose referral was rejected as fraud are not counted as referred. In whole currency units.
   */
  revenue: number;
  /** Referrals waiting for the merchant's decision now (held or over the cap), whatever the range. */
  awaitingReview: number;
}

export async function referralFigures(
  db: PrismaClient,
  shopId: string,
  range: DashboardRange,
): Promise<ReferralFigures> {
  const { from, to } = range;
  const orderDate = Prisma.sql`COALESCE(o."placedAt", o."paidAt")`;
  const [visits, [counts], revenue] = await Promise.all([
    db.referralVisit.count({ where: { shopId, createdAt: { gte: from, lt: to } } }),
    db.$queryRaw<{ referrals: number; rewarded: number; awaitingReview: number; conversions: number }[]>`
      SELECT COUNT(*) FILTER (WHERE r."createdAt" >= ${from} AND r."createdAt" < ${to})::int AS referrals,
             COUNT(*) FILTER (WHERE r.status = 'rewarded' AND r."rewardedAt" >= ${from} AND r."rewardedAt" < ${to})::int AS rewarded,
             COUNT(*) FILTER (WHERE r.status IN ('held', 'capped'))::int AS "awaitingReview",
             COUNT(*) FILTER (WHERE r.status NOT IN ('void', 'rejected') AND ${orderDate} >= ${from} AND ${orderDate} < ${to})::int AS conversions
        FROM "Referral" r
        LEFT JOIN "Order" o ON o.id = r."orderId" AND o."shopId" = r."shopId"
       WHERE r."shopId" = ${shopId}`,
    db.$queryRaw<{ currencyCode: string | null; minorUnits: bigint }[]>`
      SELECT o."currencyCode", COALESCE(SUM(o."eligibleCents"), 0)::bigint AS "minorUnits"
        FROM "Referral" r
        JOIN "Order" o ON o."shopId" = r."shopId" AND o."shopifyCustomerId" = r."refereeCustomerId"
       WHERE r."shopId" = ${shopId} AND r.status <> 'rejected'
         AND o."paidAt" IS NOT NULL AND NOT o.test AND o."cancelledAt" IS NULL
         AND ${orderDate} >= ${from} AND ${orderDate} < ${to}
       GROUP BY 1`,
  ]);
  return {
    visits,
    referrals: counts?.referrals ?? 0,
    conversions: counts?.conversions ?? 0,
    rewarded: counts?.rewarded ?? 0,
    revenue: totalInUnits(revenue),
    awaitingReview: counts?.awaitingReview ?? 0,
  };
}

/** Whether the shop has ever had a referral: the dashboard shows the figures then, even when the program is off. */
export async function hasReferralData(db: PrismaClient, shopId: string): Promise<boolean> {
  return (await db.referral.findFirst({ where: { shopId }, select: { id: true } })) !== null;
}

/** The referral's id when it belongs to this shop, else null (another shop's id is not found). */
export async function referralInShop(db: PrismaClient, shopId: string, referralId: string): Promise<string | null> {
  return (await db.referral.findFirst({ where: { id: referralId, shopId }, select: { id: true } }))?.id ?? null;
}
