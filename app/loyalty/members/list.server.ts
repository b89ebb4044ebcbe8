import { Prisma, type PrismaClient, type RedemptionStatus } from "@prisma/client";
import { fromBigInt } from "~/db/bigint";
import { z } from "zod";
import type { Program, Reward } from "~/loyalty/program/program";
import { loadShop } from "~/loyalty/program/program.server";
import { ledgerEntryLabel, type LabelledEntry } from "~/loyalty/points/entry-labels";

/**
 * The admin's members list and member page. The list pages by keyset on (sort column, id): each
 * page starts where the cursor's row was, through the index on that column, so a deep page
 * costs what the first does. No OFFSET, no total count.
 */

export const memberSortSchema = z.enum(["email", "balance", "lastActivity", "created"]);
export type MemberSort = z.infer<typeof memberSortSchema>;

/** The route can parse its search params with this as they are (limit is coerced). */
export const listMembersOptionsSchema = z
  .object({
    query: z.string().trim().max(200).optional(),
    sort: memberSortSchema.default("lastActivity"),
    direction: z.enum(["asc", "desc"]).default("desc"),
    /** The page after this cursor (a `nextCursor`)… */
    after: z.string().max(1000).optional(),
    /** …or the page before it (a `previousCursor`). */
    before: z.string().max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    /** paid: only members paying for the paid membership now (active, or in its grace). */
    filter: z.enum(["all", "paid"]).default("all"),
  })
  .refine((options) => !(options.after && options.before), { message: "after or before, not both", path: ["before"] });

export type ListMembersOptions = z.input<typeof listMembersOptionsSchema>;

/** A tampered or foreign cursor, or options out of range: the route answers 400. */
export class MemberListRequestError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = "MemberListRequestError";
  }
}

export interface MemberListRow {
  id: string;
  shopifyCustomerId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  balance: number;
  pending: number;
  tierId: string | null;
  /** The paid membership's status ('active' | 'grace' | 'ended'); null for a member who never paid for it. */
  paidStatus: string | null;
  /** Member.updatedAt: the last time anything about the member changed (points, tier, profile). */
  lastActivityAt: Date;
  createdAt: Date;
}

export interface MemberListPage {
  members: MemberListRow[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Pass as `before` for the previous page; null on the first page. */
  previousCursor: string | null;
}

const memberId = z.string().min(1).max(100);
const isoDate = z.iso.datetime();
// The cursor carries its sort so a cursor from another sort order is refused, not misread.
const cursorSchema = z.discriminatedUnion("s", [
  z.object({ s: z.literal("email"), v: z.string().max(1000).nullable(), id: memberId }),
  z.object({
    s: z.literal("balance"),
    v: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
    id: memberId,
  }),
  z.object({ s: z.literal("lastActivity"), v: isoDate, id: memberId }),
  z.object({ s: z.literal("created"), v: isoDate, id: memberId }),
]);
type Cursor = z.infer<typeof cursorSchema>;

function sortValue(sort: MemberSort, row: MemberListRow): string | number | null {
  if (sort === "email") return row.email;
  if (sort === "balance") return row.balance;
  return (sort === "lastActivity" ? row.lastActivityAt : row.createdAt).toISOString();
}

function encodeCursor(sort: MemberSort, row: MemberListRow): string {
  return Buffer.from(JSON.stringify({ s: sort, v: sortValue(sort, row), id: row.id })).toString("base64url");
}

function decodeCursor(sort: MemberSort, cursor: string): Cursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new MemberListRequestError("invalid cursor");
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success || parsed.data.s !== sort) throw new MemberListRequestError("invalid cursor");
  return parsed.data;
}

const SORT_COLUMNS: Record<MemberSort, Prisma.Sql> = {
  email: Prisma.raw(`"email"`),
  balance: Prisma.raw(`"balance"`),
  lastActivity: Prisma.raw(`"updatedAt"`),
  // No (shopId, createdAt, id) index yet: this sort reads all the shop's members for each page.
  created: Prisma.raw(`"createdAt"`),
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");

/** Email, name or phone containing the text (any case), or exactly the Shopify customer id. */
function searchCondition(query: string | undefined): Prisma.Sql {
  if (!query) return Prisma.empty;
  const pattern = `%${escapeLike(query)}%`;
  const customerId = query.replace(/^gid:\/\/shopify\/Customer\//, "");
  return Prisma.sql`AND (email ILIKE ${pattern}
                         OR (COALESCE("firstName", '') || ' ' || COALESCE("lastName", '')) ILIKE ${pattern}
                         OR phone ILIKE ${pattern}
                         OR "shopifyCustomerId" = ${customerId})`;
}

const MEMBER_COLUMNS = Prisma.raw(
  `id, "shopifyCustomerId", email, "firstName", "lastName", balance, pending, "tierId", "updatedAt" AS "lastActivityAt", "createdAt",
   (SELECT p.status FROM "PaidMembership" p WHERE p."memberId" = "Member".id) AS "paidStatus"`,
);

/** Paying for the membership now: active, or in the grace after its end. */
const PAID_CONDITION = Prisma.sql`AND EXISTS (SELECT 1 FROM "PaidMembership" p
                                              WHERE p."memberId" = "Member".id AND p.status IN ('active', 'grace'))`;

/**
 * One page of a shop's members, sorted by `sort` then id (the tie-break that makes the order
 * total). Email is the one nullable sort column: members without one count as after every email
 * (ascending they come last, descending first, as the (shopId, email) index orders them), and
 * are a segment of their own, read by id, because a row comparison never matches NULL.
 */
export async function listMembers(
  db: PrismaClient,
  shopId: string,
  input: ListMembersOptions,
): Promise<MemberListPage> {
  const parsed = listMembersOptionsSchema.safeParse(input);
  if (!parsed.success) throw new MemberListRequestError(parsed.error.issues.map((issue) => issue.message).join("; "));
  const { query, sort, direction, after, before, limit, filter } = parsed.data;
  const cursor = after ?? before;
  const position = cursor ? decodeCursor(sort, cursor) : null;
  // A previous page is read backwards from its cursor, then put back in display order.
  const backwards = Boolean(before);
  const descending = (direction === "desc") !== backwards;
  const order = Prisma.raw(descending ? "DESC" : "ASC");
  const column = SORT_COLUMNS[sort];
  const search = Prisma.sql`${searchCondition(query)} ${filter === "paid" ? PAID_CONDITION : Prisma.empty}`;
  const byColumn = Prisma.sql`${column} ${order}, id ${order}`;
  const afterPosition = (value: unknown, id: string) =>
    descending
      ? Prisma.sql`AND (${column}, id) < (${value}, ${id})`
      : Prisma.sql`AND (${column}, id) > (${value}, ${id})`;

  let segments: { condition: Prisma.Sql; orderBy: Prisma.Sql }[];
  if (sort !== "email") {
    const value = position && (sort === "balance" ? position.v : new Date(position.v as string));
    segments = [{ condition: position ? afterPosition(value, position.id) : Prisma.empty, orderBy: byColumn }];
  } else {
    const email = position?.v as string | null | undefined;
    // Each segment's remaining condition, or null when the cursor is already past it.
    const withEmail = !position
      ? Prisma.sql`AND email IS NOT NULL`
      : email !== null
        ? afterPosition(email, position.id)
        : descending
          ? Prisma.sql`AND email IS NOT NULL`
          : null;
    const withoutEmail = !position
      ? Prisma.sql`AND email IS NULL`
      : email === null
        ? Prisma.sql`AND email IS NULL AND id ${Prisma.raw(descending ? "<" : ">")} ${position.id}`
        : descending
          ? null
          : Prisma.sql`AND email IS NULL`;
    const inScanOrder = [
      withEmail && { condition: withEmail, orderBy: byColumn },
      withoutEmail && { condition: withoutEmail, orderBy: Prisma.sql`id ${order}` },
    ];
    segments = (descending ? inScanOrder.reverse() : inScanOrder).filter((segment) => segment !== null);
  }

  // One indexed query per segment, the next only when the page is not full yet.
  const rows: MemberListRow[] = [];
  for (const { condition, orderBy } of segments) {
    if (rows.length > limit) break;
    rows.push(
      ...(
        await db.$queryRaw<(Omit<MemberListRow, "balance" | "pending"> & { balance: bigint; pending: bigint })[]>`
          SELECT ${MEMBER_COLUMNS} FROM "Member"
           WHERE "shopId" = ${shopId} ${condition} ${search}
           ORDER BY ${orderBy} LIMIT ${limit + 1 - rows.length}`
      ).map((row) => ({ ...row, balance: fromBigInt(row.balance), pending: fromBigInt(row.pending) })),
    );
  }
  const more = rows.length > limit;
  const members = rows.slice(0, limit);
  if (backwards) members.reverse();
  const first = members[0];
  const last = members[members.length - 1];
  return {
    members,
    nextCursor: last && (backwards || more) ? encodeCursor(sort, last) : null,
    previousCursor: first && (backwards ? more : Boolean(after)) ? encodeCursor(sort, first) : null,
  };
}

/**
 * A ledger entry as the merchant reads it: the label every surface shows, and the staff's note
 * on an adjustment or an import.
 */
function describeLedgerEntry(entry: LabelledEntry, program: Program): string {
  // The admin's member page is labelled in English until its loader knows the merchant's language.
  const label = ledgerEntryLabel(entry, program, "en");
  // Flow's entries carry their reason in the label already.
  const staffNote = entry.reason && entry.sourceType !== "flow" && (entry.kind === "adjust" || entry.kind === "import");
  return staffNote ? `${label}: ${entry.reason}` : label;
}

const tierName = (program: Program, tierId: string | null) =>
  tierId === null ? null : (program.tiers.levels.find((level) => level.id === tierId)?.name ?? tierId);

const tierRef = (program: Program, tierId: string | null) =>
  tierId === null ? null : { id: tierId, name: tierName(program, tierId)! };

const LEDGER_LIMIT = 100;
const REDEMPTION_LIMIT = 100;

export interface MemberDetail {
  member: {
    id: string;
    shopifyCustomerId: string | null;
    email: string | null;
    firstName: string | null;
    lastName: string | null;
    phone: string | null;
    birthday: Date | null;
    balance: number;
    pending: number;
    tier: { id: string; name: string } | null;
    tierHeldUntil: Date | null;
    /** A tier given until a date (Flow's "Set VIP tier until a date"), while it lasts. */
    compTier: { id: string; name: string; until: Date } | null;
    lastEarnedAt: Date | null;
    lastActivityAt: Date;
    createdAt: Date;
    redactedAt: Date | null;
    deletedAt: Date | null;
  };
  /** Newest first, the latest LEDGER_LIMIT. */
  ledger: {
    id: string;
    createdAt: Date;
    kind: string;
    delta: number;
    pendingDelta: number;
    description: string;
    staffId: string | null;
  }[];
  /** More ledger entries exist than shown. */
  ledgerTruncated: boolean;
  redemptions: {
    id: string;
    code: string;
    rewardId: string;
    rewardName: string;
    status: RedemptionStatus;
    pointsSpent: number;
    createdAt: Date;
    endsAt: Date;
    usedAt: Date | null;
    failureReason: string | null;
  }[];
  /** Newest first; a tier removed from the program shows its id as its name. */
  tierHistory: {
    id: string;
    createdAt: Date;
    from: { id: string; name: string } | null;
    to: { id: string; name: string } | null;
    cause: string;
  }[];
}

/** A member of this shop with their ledger, redemptions and tier history; null for anyone else's. */
export async function memberDetail(db: PrismaClient, shopId: string, memberId: string): Promise<MemberDetail | null> {
  const member = await db.member.findFirst({ where: { id: memberId, shopId } });
  if (!member) return null;
  const [shop, entries, redemptions, tierChanges] = await Promise.all([
    loadShop(db, shopId),
    db.ledgerEntry.findMany({
      where: { shopId, memberId },
      include: { order: { select: { name: true } } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: LEDGER_LIMIT + 1,
    }),
    db.redemption.findMany({
      where: { shopId, memberId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: REDEMPTION_LIMIT,
    }),
    db.tierChange.findMany({ where: { shopId, memberId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
  ]);
  const { program } = shop;
  return {
    member: {
      id: member.id,
      shopifyCustomerId: member.shopifyCustomerId,
      email: member.email,
      firstName: member.firstName,
      lastName: member.lastName,
      phone: member.phone,
      birthday: member.birthday,
      balance: fromBigInt(member.balance),
      pending: fromBigInt(member.pending),
      tier: tierRef(program, member.tierId),
      tierHeldUntil: member.tierHeldUntil,
      compTier:
        member.compTierId && member.compTierUntil && member.compTierUntil > new Date()
          ? { ...tierRef(program, member.compTierId)!, until: member.compTierUntil }
          : null,
      lastEarnedAt: member.lastEarnedAt,
      lastActivityAt: member.updatedAt,
      createdAt: member.createdAt,
      redactedAt: member.redactedAt,
      deletedAt: member.deletedAt,
    },
    ledger: entries.slice(0, LEDGER_LIMIT).map((entry) => ({
      id: entry.id,
      createdAt: entry.createdAt,
      kind: entry.kind,
      delta: fromBigInt(entry.delta),
      pendingDelta: fromBigInt(entry.pendingDelta),
      description: describeLedgerEntry({ ...entry, orderName: entry.order?.name ?? null }, program),
      staffId: entry.staffId,
    })),
    ledgerTruncated: entries.length > LEDGER_LIMIT,
    redemptions: redemptions.map((redemption) => ({
      id: redemption.id,
      code: redemption.code,
      rewardId: redemption.rewardId,
      rewardName: (redemption.reward as unknown as Reward).name,
      status: redemption.status,
      pointsSpent: fromBigInt(redemption.pointsSpent),
      createdAt: redemption.createdAt,
      endsAt: redemption.endsAt,
      usedAt: redemption.usedAt,
      failureReason: redemption.failureReason,
    })),
    tierHistory: tierChanges.map((change) => ({
      id: change.id,
      createdAt: change.createdAt,
      from: tierRef(program, change.fromTierId),
      to: tierRef(program, change.toTierId),
      cause: change.cause,
    })),
  };
}
