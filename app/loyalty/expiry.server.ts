import type { Prisma, PrismaClient } from "@prisma/client";
import type { LoadedShop } from "./program.server";

const DAY_MS = 86_400_000;

/** The next points to expire and when: the soonest lot (fixed expiry) or the whole balance (inactivity). */
export async function expiringNext(
  db: PrismaClient | Prisma.TransactionClient,
  shop: LoadedShop,
  member: { id: string; balance: number; lastEarnedAt: Date | null; createdAt: Date },
) {
  const expiry = shop.program.expiry;
  if (expiry.mode === "never" || member.balance <= 0) return null;
  if (expiry.mode === "inactivity") {
    const from = member.lastEarnedAt ?? member.createdAt;
    return { points: member.balance, at: new Date(from.getTime() + expiry.days * DAY_MS).toISOString() };
  }
  const next = await db.pointLot.findFirst({
    where: { memberId: member.id, held: false, remaining: { gt: 0 }, expiresAt: { not: null } },
    orderBy: { expiresAt: "asc" },
  });
  if (!next?.expiresAt) return null;
  const sameDay = await db.pointLot.aggregate({
    where: { memberId: member.id, held: false, remaining: { gt: 0 }, expiresAt: next.expiresAt },
    _sum: { remaining: true },
  });
  return { points: sameDay._sum.remaining ?? 0, at: next.expiresAt.toISOString() };
}
