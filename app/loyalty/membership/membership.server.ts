import type { Order, PrismaClient } from "@prisma/client";
import { Prisma } from "@prisma/client";
import { z } from "zod";
import { fromBigInt } from "~/db/bigint";
import { NOW_UTC } from "~/db/clock.server";
import { rows } from "~/db/rows";
import { inTransaction } from "~/db/transaction.server";
import { nameIn } from "~/loyalty/program/program";
import { expiresAtFor, type LoadedShop } from "~/loyalty/program/program.server";
import { unitsCounting, type WeightedLine } from "~/loyalty/points/earning";
import { flowTriggerLanguage, queueFlowEvent } from "~/loyalty/points/flow-events.server";
import { credit, debit, lockMember, type LockedMember, type Tx } from "~/loyalty/points/ledger.server";
import { queueMemberSync } from "~/loyalty/points/member-sync.server";
import type { RefundLine } from "~/shopify/order-payloads";
import {
  earnMultiplierWithMembership,
  isPaying,
  membershipStatus,
  membershipTerms,
  planForVariant,
  type MembershipGrant,
  type MembershipStatus,
  type MembershipTerm,
} from "./membership";

/**
 * The paid membership's lifecycle (issue 22, docs/membership.md): paid order lines of a plan's
 * variant are grants (one row per line, whatever the deliveries), and the member's membership is
 * recomputed from all their grants on every change, under the member's lock — so duplicates,
 * reorderings, refunds and cancellations converge. Bonuses are ledger entries keyed by the grant;
 * Flow events by the grant or the term's end.
 */

const DAY_MS = 86_400_000;

const grantRow = z.object({
  lineKey: z.string(),
  planId: z.string(),
  paidAt: z.date(),
  quantity: z.number().int(),
  recurring: z.boolean(),
});

const paidMembershipRow = z.object({
  planId: z.string(),
  startedAt: z.date(),
  paidThrough: z.date(),
  status: z.enum(["active", "grace", "ended"]),
  endingSoonSentFor: z.date().nullable(),
});

/**
 * The order's membership lines as grants, then the member's membership settled. Called by
 * settleOrder for every fact of an order (paid, refunded, cancelled); nothing is read or written
 * when the program sells no membership or the order bought none.
 */
export async function settleMembershipOrder(
  tx: Tx,
  shop: LoadedShop,
  order: Order,
  member: LockedMember,
  refunds: RefundLine[][],
  now: Date,
): Promise<void> {
  const membership = shop.program.membership;
  if (!membership.enabled || !order.paidAt) return;
  const lines = ((order.lines ?? []) as unknown as WeightedLine[]).flatMap((line) => {
    const plan = planForVariant(membership, line.variantId ?? null);
    return plan ? [{ line, plan }] : [];
  });
  if (!lines.length) return;
  const paidAt = order.placedAt ?? order.paidAt;
  for (const { line, plan } of lines) {
    await tx.$executeRaw`
      INSERT INTO "MembershipGrant" (id, "shopId", "memberId", "orderId", "shopifyOrderId", "lineItemId", "planId", "paidAt",
                                     bought, quantity, "amountCents", "currencyCode", recurring, "createdAt", "updatedAt")
      VALUES (gen_random_uuid()::text, ${shop.id}, ${member.id}, ${order.id}, ${order.shopifyOrderId}, ${line.lineItemId}, ${plan.id}, ${paidAt},
              ${line.quantity ?? 1}, ${unitsCounting(line, refunds, order.cancelledAt !== null)}, ${line.grossCents}, ${order.currencyCode},
              ${line.subscription ?? false}, ${NOW_UTC}, ${NOW_UTC})
      ON CONFLICT ("shopId", "shopifyOrderId", "lineItemId") DO UPDATE
        SET quantity = EXCLUDED.quantity, "memberId" = EXCLUDED."memberId", "updatedAt" = EXCLUDED."updatedAt"
        WHERE "MembershipGrant".quantity IS DISTINCT FROM EXCLUDED.quantity OR "MembershipGrant"."memberId" <> EXCLUDED."memberId"`;
  }
  await settleMembership(tx, shop, member, now);
}

const lineKeyOf = Prisma.sql`"shopifyOrderId" || ':' || "lineItemId"`;

/**
 * Recomputes the member's membership from their grants: its history (terms), its current state and
 * status, the join and renewal bonuses of grants that count (and the bonus of one refunded or
 * cancelled taken back), Flow's started / renewed / ending soon / ended, and the member sync when
 * paying status changed (the customer tag and metafield).
 */
export async function settleMembership(tx: Tx, shop: LoadedShop, member: LockedMember, now: Date): Promise<void> {
  const membership = shop.program.membership;
  const grants = rows(
    grantRow,
    await tx.$queryRaw`
      SELECT ${lineKeyOf} AS "lineKey", "planId", "paidAt", quantity, recurring
        FROM "MembershipGrant" WHERE "memberId" = ${member.id}`,
  );
  if (!grants.length) return;
  const terms = membershipTerms(
    membership,
    grants.map((grant): MembershipGrant => grant),
  );
  const [previous = null] = rows(
    paidMembershipRow,
    await tx.$queryRaw`
      SELECT "planId", "startedAt", "paidThrough", status, "endingSoonSentFor" FROM "PaidMembership" WHERE "memberId" = ${member.id}`,
  );
  await tx.$executeRaw`DELETE FROM "MembershipTerm" WHERE "memberId" = ${member.id}`;
  for (const term of terms) {
    await tx.$executeRaw`
      INSERT INTO "MembershipTerm" (id, "shopId", "memberId", "planId", "startedAt", "paidThrough", "startedBy", renewals)
      VALUES (gen_random_uuid()::text, ${shop.id}, ${member.id}, ${term.planId}, ${term.startedAt}, ${term.paidThrough}, ${term.startedBy}, ${term.renewals.length})`;
  }

  await settleBonuses(tx, shop, member, grants, terms, now);

  const current = terms.at(-1);
  const status: MembershipStatus = current ? membershipStatus(membership, current.paidThrough, now) : "ended";
  const lastGrant = current && grants.find((grant) => grant.lineKey === (current.renewals.at(-1) ?? current.startedBy));
  if (current) {
    await tx.$executeRaw`
      INSERT INTO "PaidMembership" ("memberId", "shopId", "planId", "startedAt", "paidThrough", "startedBy", status, "autoRenews", "endedAt", "updatedAt")
      VALUES (${member.id}, ${shop.id}, ${current.planId}, ${current.startedAt}, ${current.paidThrough}, ${current.startedBy}, ${status},
              ${lastGrant?.recurring ?? false}, ${status === "ended" ? now : null}, ${NOW_UTC})
      ON CONFLICT ("memberId") DO UPDATE SET
        "planId" = EXCLUDED."planId", "startedAt" = EXCLUDED."startedAt", "paidThrough" = EXCLUDED."paidThrough",
        "startedBy" = EXCLUDED."startedBy", status = EXCLUDED.status, "autoRenews" = EXCLUDED."autoRenews",
        "endedAt" = CASE WHEN EXCLUDED.status = 'ended' THEN COALESCE("PaidMembership"."endedAt", EXCLUDED."endedAt") END,
        "updatedAt" = EXCLUDED."updatedAt"`;
  } else if (previous) {
    // Every grant refunded or cancelled: the membership ends now, its last known term kept on the row.
    await tx.$executeRaw`
      UPDATE "PaidMembership" SET status = 'ended', "endedAt" = COALESCE("endedAt", ${now}), "updatedAt" = ${NOW_UTC}
       WHERE "memberId" = ${member.id}`;
  }

  if (current && isPaying(status)) {
    await announceStartAndRenewals(tx, shop, member, current, lastGrant?.recurring ?? false, now);
    await announceEndingSoon(tx, shop, member, current, previous, lastGrant?.recurring ?? false, now);
  }
  const wasPaying = previous !== null && isPaying(previous.status);
  if (wasPaying && !isPaying(status)) await announceEnded(tx, shop, member, current ?? previous, now);
  if (
    wasPaying !== isPaying(status) ||
    previous?.planId !== current?.planId ||
    !sameTime(previous?.paidThrough, current?.paidThrough)
  ) {
    await queueMemberSync(tx, shop.id, member.id, now);
  }
}

const sameTime = (a: Date | undefined, b: Date | undefined) => a?.getTime() === b?.getTime();

/**
 * The join bonus for each grant that started a membership and the renewal bonus for each that
 * extended one (keys `membership:<order:line>:join|renewal`); a grant no longer counting (refunded
 * or cancelled in full) has its bonus taken back, from its own lot first.
 */
async function settleBonuses(
  tx: Tx,
  shop: LoadedShop,
  member: LockedMember,
  grants: z.output<typeof grantRow>[],
  terms: MembershipTerm[],
  now: Date,
) {
  const { perks } = shop.program.membership;
  const started = new Set(terms.map((term) => term.startedBy));
  const renewed = new Set(terms.flatMap((term) => term.renewals));
  for (const grant of grants) {
    const role = started.has(grant.lineKey) ? "join" : renewed.has(grant.lineKey) ? "renewal" : null;
    const source = `membership:${grant.lineKey}`;
    if (role) {
      const points = role === "join" ? perks.joinBonusPoints : perks.renewalBonusPoints;
      const availableAt = new Date(grant.paidAt.getTime() + shop.program.earning.order.holdDays * DAY_MS);
      await credit(tx, member, {
        key: `${source}:bonus`,
        kind: "bonus",
        points,
        now,
        availableAt: availableAt > now ? availableAt : now,
        expiresAt: expiresAtFor(shop.program, grant.paidAt),
        source,
        sourceType: "membership",
        sourceId: grant.lineKey,
        reason: role,
      });
    } else if (grant.quantity === 0) {
      const [given] = await tx.$queryRaw<{ points: bigint }[]>`
        SELECT delta + "pendingDelta" AS points FROM "LedgerEntry" WHERE "shopId" = ${shop.id} AND "idempotencyKey" = ${`${source}:bonus`}`;
      if (!given) continue;
      await debit(tx, member, {
        key: `${source}:bonus:reverse`,
        kind: "reverse",
        points: fromBigInt(given.points),
        now,
        fromSource: source,
        includePending: true,
        sourceType: "membership",
        sourceId: grant.lineKey,
      });
    }
  }
}

const planName = async (
  tx: Tx,
  shop: LoadedShop,
  planId: string,
  trigger: Parameters<typeof flowTriggerLanguage>[2],
) => {
  const language = await flowTriggerLanguage(tx, shop.id, trigger);
  if (!language) return null;
  const plan = shop.program.membership.plans.find((candidate) => candidate.id === planId);
  return plan ? nameIn(plan, language) : planId;
};

/** Flow's "started" for the current membership's first grant and "renewed" for each that extended it (once per grant). */
async function announceStartAndRenewals(
  tx: Tx,
  shop: LoadedShop,
  member: LockedMember,
  term: MembershipTerm,
  autoRenews: boolean,
  now: Date,
) {
  const fields = async (trigger: "membershipStarted" | "membershipRenewed") => {
    const name = await planName(tx, shop, term.planId, trigger);
    return (
      name !== null && {
        "Plan id": term.planId,
        "Plan name": name,
        "Paid through": term.paidThrough.toISOString(),
        "Auto renews": autoRenews,
      }
    );
  };
  const started = await fields("membershipStarted");
  if (started) {
    await queueFlowEvent(
      tx,
      shop.id,
      "membershipStarted",
      `membership:${term.startedBy}:started`,
      member.id,
      started,
      now,
    );
  }
  const renewed = term.renewals.length ? await fields("membershipRenewed") : false;
  if (renewed) {
    for (const lineKey of term.renewals) {
      await queueFlowEvent(tx, shop.id, "membershipRenewed", `membership:${lineKey}:renewed`, member.id, renewed, now);
    }
  }
}

/** Flow's "ending soon", once per paid period's end, within the program's endingSoonDays of it. */
async function announceEndingSoon(
  tx: Tx,
  shop: LoadedShop,
  member: LockedMember,
  term: MembershipTerm,
  previous: z.output<typeof paidMembershipRow> | null,
  autoRenews: boolean,
  now: Date,
) {
  const { endingSoonDays } = shop.program.membership;
  const left = term.paidThrough.getTime() - now.getTime();
  if (
    left < 0 ||
    left > endingSoonDays * DAY_MS ||
    sameTime(previous?.endingSoonSentFor ?? undefined, term.paidThrough)
  ) {
    return;
  }
  await tx.$executeRaw`UPDATE "PaidMembership" SET "endingSoonSentFor" = ${term.paidThrough} WHERE "memberId" = ${member.id}`;
  const name = await planName(tx, shop, term.planId, "membershipEndingSoon");
  if (name === null) return;
  await queueFlowEvent(
    tx,
    shop.id,
    "membershipEndingSoon",
    `membership:${member.id}:ending:${term.paidThrough.toISOString()}`,
    member.id,
    {
      "Plan id": term.planId,
      "Plan name": name,
      "Paid through": term.paidThrough.toISOString(),
      "Days left": Math.ceil(left / DAY_MS),
      "Auto renews": autoRenews,
    },
    now,
  );
}

async function announceEnded(
  tx: Tx,
  shop: LoadedShop,
  member: LockedMember,
  term: Pick<MembershipTerm, "planId" | "startedAt" | "paidThrough">,
  now: Date,
) {
  const name = await planName(tx, shop, term.planId, "membershipEnded");
  if (name === null) return;
  await queueFlowEvent(
    tx,
    shop.id,
    "membershipEnded",
    `membership:${member.id}:ended:${term.startedAt.toISOString()}:${term.paidThrough.toISOString()}`,
    member.id,
    {
      "Plan id": term.planId,
      "Plan name": name,
      "Paid through": term.paidThrough.toISOString(),
      "Member since": term.startedAt.toISOString(),
    },
    now,
  );
}

/**
 * A customer merge: the merged member's membership orders are the kept member's now, and the kept
 * member's membership is what all of them add up to (bonuses are keyed by order line: none twice).
 */
export async function moveMembership(tx: Tx, shop: LoadedShop, fromMemberId: string, kept: LockedMember, now: Date) {
  const moved =
    await tx.$executeRaw`UPDATE "MembershipGrant" SET "memberId" = ${kept.id} WHERE "memberId" = ${fromMemberId}`;
  if (!moved) return;
  await tx.$executeRaw`DELETE FROM "MembershipTerm" WHERE "memberId" = ${fromMemberId}`;
  await tx.$executeRaw`DELETE FROM "PaidMembership" WHERE "memberId" = ${fromMemberId}`;
  await settleMembership(tx, shop, kept, now);
}

const MEMBERSHIP_BATCH = 200;

/**
 * The hourly `membership` job: memberships whose status the clock changed (active → grace → ended)
 * or whose "ending soon" is due are settled again, each under its member's lock, a batch at a
 * time. Idempotent: a settled membership is no longer due.
 */
export async function runMembershipClock(db: PrismaClient, shop: LoadedShop, now: Date): Promise<number> {
  const { graceDays, endingSoonDays } = shop.program.membership;
  if (!shop.program.enabled) return 0;
  let settled = 0;
  let after = "";
  for (;;) {
    const due = await db.$queryRaw<{ memberId: string }[]>`
      SELECT "memberId" FROM "PaidMembership"
       WHERE "shopId" = ${shop.id} AND status <> 'ended' AND "memberId" > ${after}
         AND ("paidThrough" < ${now}
              OR (status = 'grace' AND "paidThrough" + make_interval(days => ${graceDays}) < ${now})
              OR ("paidThrough" - make_interval(days => ${endingSoonDays}) <= ${now}
                  AND "endingSoonSentFor" IS DISTINCT FROM "paidThrough"))
       ORDER BY "memberId" LIMIT ${MEMBERSHIP_BATCH}`;
    for (const { memberId } of due) {
      await inTransaction(db, async (tx) => settleMembership(tx, shop, await lockMember(tx, memberId), now));
      settled++;
    }
    if (due.length < MEMBERSHIP_BATCH) return settled;
    after = due.at(-1)!.memberId;
  }
}

/**
 * The multiplier on an order placed at `placedAt` with the member's tier multiplier: the
 * membership's applies when a membership that began before the order ran (or was in its grace)
 * at its placing. One indexed read, only while the program's membership multiplies.
 */
export async function multiplierWithMembership(
  tx: Tx,
  shop: LoadedShop,
  memberId: string,
  placedAt: Date,
  tierMultiplier: number,
): Promise<number> {
  const membership = shop.program.membership;
  if (!membership.enabled || membership.perks.earnMultiplier <= 1) return tierMultiplier;
  const [term] = await tx.$queryRaw<{ paying: boolean }[]>`
    SELECT true AS paying FROM "MembershipTerm"
     WHERE "memberId" = ${memberId} AND "startedAt" < ${placedAt}
       AND "paidThrough" + make_interval(days => ${membership.graceDays}) >= ${placedAt}
     LIMIT 1`;
  return earnMultiplierWithMembership(membership, tierMultiplier, Boolean(term));
}

/** Whether the member pays for the membership now (active or in its grace): members-only rewards ask. */
export async function payingMember(db: Tx | PrismaClient, memberId: string): Promise<boolean> {
  const [row] = await db.$queryRaw<{ status: string }[]>`
    SELECT status FROM "PaidMembership" WHERE "memberId" = ${memberId} AND status <> 'ended'`;
  return Boolean(row);
}

/** Adds perks a paying member used on an order to their savings so far (once: called when the order is first awarded). */
export async function addMembershipSavings(
  tx: Tx,
  memberId: string,
  savings: { extraPoints: number; discountCents: bigint },
): Promise<void> {
  if (savings.extraPoints <= 0 && savings.discountCents <= 0n) return;
  await tx.$executeRaw`
    UPDATE "PaidMembership" SET "extraPoints" = "extraPoints" + ${Math.max(0, savings.extraPoints)},
                                "discountCents" = "discountCents" + ${savings.discountCents > 0n ? savings.discountCents : 0n}
     WHERE "memberId" = ${memberId}`;
}
