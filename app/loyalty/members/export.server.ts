import type { PrismaClient } from "@prisma/client";
import { stringify } from "csv-stringify/sync";
import { loadShop } from "~/loyalty/program/program.server";

/**
 * CSV exports of a shop's members and ledger, read 1000 rows at a time by id and written as
 * they are read, so a shop with a million entries never sits in memory.
 */

export const EXPORT_PAGE = 1000;

// Spreadsheets run a cell starting with = + - @ as a formula: csv-stringify quotes those with
// a leading ' (negative numbers stay numbers). The byte order mark makes Excel read UTF-8.
const csvPage = (records: (string | number | bigint | null)[][], header: string[] | null) =>
  stringify(header ? [header, ...records] : records, { escape_formulas: true, bom: header !== null });

const isoDate = (date: Date | null) => date?.toISOString() ?? null;
const isoDay = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null;

/** Column names the member import reads back (a plain file): email, points, tier, birthday. */
const MEMBER_COLUMNS = [
  "Email",
  "First name",
  "Last name",
  "Shopify customer ID",
  "Points",
  "Pending points",
  "Tier",
  "Birthday",
  "Last activity",
  "Member since",
];

const memberPage = (db: PrismaClient, shopId: string, after: string | null) =>
  db.member.findMany({
    where: { shopId, ...(after ? { id: { gt: after } } : {}) },
    orderBy: { id: "asc" },
    take: EXPORT_PAGE,
    select: {
      id: true,
      email: true,
      firstName: true,
      lastName: true,
      shopifyCustomerId: true,
      balance: true,
      pending: true,
      tierId: true,
      birthday: true,
      createdAt: true,
    },
  });

/** The shop's members, one CSV chunk per page; last activity is their latest ledger entry. */
export async function* memberCsvChunks(db: PrismaClient, shopId: string): AsyncGenerator<string> {
  const { program } = await loadShop(db, shopId);
  const tierNames = new Map(program.tiers.levels.map((level) => [level.id, level.name]));
  let header: string[] | null = MEMBER_COLUMNS;
  for (let after: string | null = null; ;) {
    const members = await memberPage(db, shopId, after);
    const latest = await db.ledgerEntry.groupBy({
      by: ["memberId"],
      where: { memberId: { in: members.map((member) => member.id) } },
      _max: { createdAt: true },
    });
    const lastActivity = new Map(latest.map((entry) => [entry.memberId, entry._max.createdAt]));
    if (members.length || header) {
      yield csvPage(
        members.map((member) => [
          member.email,
          member.firstName,
          member.lastName,
          member.shopifyCustomerId,
          member.balance,
          member.pending,
          member.tierId ? (tierNames.get(member.tierId) ?? member.tierId) : null,
          isoDay(member.birthday),
          isoDate(lastActivity.get(member.id) ?? null),
          isoDate(member.createdAt),
        ]),
        header,
      );
    }
    header = null;
    if (members.length < EXPORT_PAGE) return;
    after = members[members.length - 1]!.id;
  }
}

const LEDGER_COLUMNS = [
  "Date",
  "Email",
  "Shopify customer ID",
  "Kind",
  "Points",
  "Pending points",
  "Reason",
  "Shopify order ID",
];

// In the order the entries were written (ids are not time-ordered: set-based jobs draw UUIDs).
const ledgerPage = (db: PrismaClient, shopId: string, after: { createdAt: Date; id: string } | null) =>
  db.ledgerEntry.findMany({
    where: {
      shopId,
      ...(after
        ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: EXPORT_PAGE,
    select: {
      id: true,
      createdAt: true,
      kind: true,
      delta: true,
      pendingDelta: true,
      reason: true,
      member: { select: { email: true, shopifyCustomerId: true } },
      order: { select: { shopifyOrderId: true } },
    },
  });

/** Every ledger entry of the shop, one CSV chunk per page. */
export async function* ledgerCsvChunks(db: PrismaClient, shopId: string): AsyncGenerator<string> {
  let header: string[] | null = LEDGER_COLUMNS;
  for (let after: { createdAt: Date; id: string } | null = null; ;) {
    const entries = await ledgerPage(db, shopId, after);
    if (entries.length || header) {
      yield csvPage(
        entries.map((entry) => [
          isoDate(entry.createdAt),
          entry.member.email,
          entry.member.shopifyCustomerId,
          entry.kind,
          entry.delta,
          entry.pendingDelta,
          entry.reason,
          entry.order?.shopifyOrderId ?? null,
        ]),
        header,
      );
    }
    header = null;
    if (entries.length < EXPORT_PAGE) return;
    after = entries[entries.length - 1]!;
  }
}

/** A byte stream of the chunks, for a Response body; reads the next page only when asked. */
export function csvStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
