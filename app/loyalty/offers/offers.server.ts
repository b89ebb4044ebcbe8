import type { PrismaClient } from "@prisma/client";
import { NOW_UTC } from "~/db/clock.server";
import { inTransaction } from "~/db/transaction.server";
import { flowTriggerLanguage, queueFlowEvents } from "~/loyalty/points/flow-events.server";
import type { Tx } from "~/loyalty/points/ledger.server";
import { nextRewardFlowFields } from "~/loyalty/program/next-reward";
import type { LoadedShop } from "~/loyalty/program/program.server";
import {
  bonusEventKey,
  bonusEventsToAnnounce,
  bonusEventTierNames,
  offerAt,
  WIN_BACK,
  winBackPass,
  type RunningOffer,
} from "./offers";

/** Members given an offer per transaction: one statement each, and their Flow events with it. */
const WIN_BACK_BATCH = 500;

/**
 * Gives every member due a win-back offer one (offers.ts says who is due), in batches of one
 * set-based statement each, queueing the "win-back offer" Flow event in the same transaction.
 * Idempotent: a member who has an offer since `inactiveSince` is not due again, so a second pass
 * (or a second instance: passes of a shop take turns on an advisory lock) grants nothing.
 */
export async function grantWinBackOffers(db: PrismaClient, shop: LoadedShop, now: Date): Promise<number> {
  const pass = winBackPass(shop.program, now);
  if (!pass) return 0;
  let granted = 0;
  for (;;) {
    const batch = await inTransaction(db, async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`win_back:${shop.id}`}))`;
      const members = await tx.$queryRaw<{ memberId: string; balance: bigint; tierId: string | null }[]>`
        WITH due AS (
          SELECT m.id FROM "Member" m
           WHERE m."shopId" = ${shop.id} AND m."shopifyCustomerId" IS NOT NULL
             AND m."deletedAt" IS NULL AND m."redactedAt" IS NULL
             AND m."createdAt" < ${pass.inactiveSince}
             AND NOT EXISTS (
               SELECT 1 FROM "Order" o
                WHERE o."memberId" = m.id AND o."paidAt" IS NOT NULL AND NOT o.test AND o."cancelledAt" IS NULL
                  AND COALESCE(o."placedAt", o."paidAt") >= ${pass.inactiveSince})
             AND NOT EXISTS (
               SELECT 1 FROM "MemberOffer" f
                WHERE f."memberId" = m.id AND f.kind = ${WIN_BACK} AND f."startsAt" >= ${pass.inactiveSince})
           ORDER BY m.id
           LIMIT ${WIN_BACK_BATCH}
        ), granted AS (
          INSERT INTO "MemberOffer" (id, "shopId", "memberId", kind, multiplier, "startsAt", "endsAt", "createdAt")
          SELECT gen_random_uuid()::text, ${shop.id}, due.id, ${WIN_BACK}, ${pass.multiplier}, ${pass.startsAt}, ${pass.endsAt}, ${NOW_UTC}
            FROM due
          ON CONFLICT ("memberId", kind, "startsAt") DO NOTHING
          RETURNING "memberId"
        )
        SELECT g."memberId", m.balance, m."tierId" FROM granted g JOIN "Member" m ON m.id = g."memberId"`;
      const language = members.length ? await flowTriggerLanguage(tx, shop.id, "winBackOffer") : null;
      if (language) {
        await queueFlowEvents(
          tx,
          shop.id,
          "winBackOffer",
          members.map((member) => {
            const next = nextRewardFlowFields(shop.program, Number(member.balance), member.tierId, language);
            return {
              eventKey: `win-back:${member.memberId}:${pass.startsAt.toISOString()}`,
              memberId: member.memberId,
              fields: {
                Multiplier: pass.multiplier,
                "Ends at": pass.endsAt.toISOString(),
                "Points balance": Number(member.balance),
                ...next,
              },
            };
          }),
          now,
        );
      }
      return members.length;
    });
    granted += batch;
    if (batch < WIN_BACK_BATCH) return granted;
  }
}

/**
 * Announces each bonus event once, when it starts ("Loyalty bonus event started", a shop-level
 * Flow trigger): the outbox key (the event's start and name) makes a second pass queue nothing.
 */
export async function announceBonusEvents(db: PrismaClient, shop: LoadedShop, now: Date): Promise<number> {
  const events = bonusEventsToAnnounce(shop.program, now);
  if (!events.length) return 0;
  return queueFlowEvents(
    db,
    shop.id,
    "bonusEventStarted",
    events.map((event) => ({
      eventKey: bonusEventKey(event),
      memberId: null,
      fields: {
        "Event name": event.name,
        Multiplier: event.multiplier,
        "Starts at": new Date(event.startsAt).toISOString(),
        "Ends at": new Date(event.endsAt).toISOString(),
        Tiers: bonusEventTierNames(shop.program, event),
        Segment: event.segmentId ?? "",
      },
    })),
    now,
  );
}

/** The member's win-back offers that run at some point from `from` on (few: at most one per inactiveDays). */
async function winBackOffers(db: Tx | PrismaClient, memberId: string, from: Date): Promise<RunningOffer[]> {
  return db.$queryRaw<RunningOffer[]>`
    SELECT multiplier, "startsAt", "endsAt" FROM "MemberOffer"
     WHERE "memberId" = ${memberId} AND kind = ${WIN_BACK} AND "endsAt" > ${from}`;
}

/**
 * The multiplier a running win-back offer puts on an order placed at `placedAt` (1 with none). An
 * offer made is kept: it multiplies until its end even if the merchant turns win-back off since.
 */
export async function winBackMultiplierAt(tx: Tx, memberId: string, placedAt: Date): Promise<number> {
  return offerAt(await winBackOffers(tx, memberId, placedAt), placedAt)?.multiplier ?? 1;
}

/** The member's running win-back offer, for the shopper's view. */
export async function runningWinBack(
  db: PrismaClient,
  memberId: string,
  now: Date,
): Promise<{ multiplier: number; endsAt: string } | null> {
  const offer = offerAt(await winBackOffers(db, memberId, now), now);
  return offer && { multiplier: offer.multiplier, endsAt: offer.endsAt.toISOString() };
}
