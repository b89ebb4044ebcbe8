import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { NOW_UTC } from "~/db/clock.server";
import { rows } from "~/db/rows";
import { inTransaction } from "~/db/transaction.server";
import type { ShopperLanguage } from "~/languages";
import { flowTriggerLanguage, queueFlowEvents } from "~/loyalty/points/flow-events.server";
import type { Tx } from "~/loyalty/points/ledger.server";
import { queueMemberSyncs } from "~/loyalty/points/member-sync.server";
import { nameIn, type Reward } from "~/loyalty/program/program";
import { expiresAtFor, loadRunnableShop, type LoadedShop } from "~/loyalty/program/program.server";
import { grantReward } from "~/loyalty/rewards/redemptions.server";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { AdminGraphQLError, AdminHttpError, isRetryable, ShopNotInstalledError } from "~/shopify/errors";
import { segmentMembersPage, type SegmentMembersPage } from "~/shopify/segments.server";
import {
  campaignProgress,
  initialStatus,
  MAX_SEGMENT_MEMBERS,
  type CampaignAudience,
  type CampaignInput,
  type CampaignStatus,
  UNFINISHED_STATUSES,
} from "./campaigns";

/**
 * Sending a campaign: members in id order, a batch at a time after the campaign's cursor. Each
 * batch, in one transaction, locks its members, gives each the points (one set-based statement:
 * award, ledger entry keyed `campaign:<id>:<member>`, lot, balance) or the reward (a code by the
 * outbox), queues the surprise Flow events and the member syncs, and advances the cursor — so a
 * crash resumes after the last committed batch and no member is given it twice
 * (docs/decisions/0025-campaign-batches-by-member-cursor.md).
 */

export const CAMPAIGN_BATCH = 1_000;
/** Per job pass: the 10-second jobs run one after the other, so a large campaign yields to them. */
const DEFAULT_PASS_BUDGET_MS = 5_000;
/**
 * The count reads a segment's first members only (five pages, ~3,000 Admin API points: a request
 * cannot wait on Shopify's rate for more); the job reads it all, a page at a time across passes.
 */
const COUNT_SEGMENT_LIMIT = 500;

export interface CampaignView {
  id: string;
  name: string;
  /** As the merchant chose it; a pasted list is shown by its size, never its emails. */
  audience: AudienceView;
  points: number | null;
  rewardId: string | null;
  message: string;
  sendAt: Date;
  status: CampaignStatus;
  total: number;
  awarded: number;
  /** 0–100. */
  progress: number;
  error: string | null;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const campaignRow = z.object({
  id: z.string(),
  shopId: z.string(),
  name: z.string(),
  audience: z.unknown(),
  points: z.number().nullable(),
  rewardId: z.string().nullable(),
  message: z.string(),
  sendAt: z.date(),
  status: z.string(),
  total: z.number(),
  awarded: z.number(),
  cursor: z.string().nullable(),
  error: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
type CampaignRow = z.output<typeof campaignRow>;

/** A pasted list once the campaign finished: only its size is kept. */
type StoredAudience = CampaignAudience | { type: "emails"; emails: []; emailCount: number };
export type AudienceView = Exclude<CampaignAudience, { type: "emails" }> | { type: "emails"; emailCount: number };

const audienceView = (audience: StoredAudience): AudienceView =>
  audience.type === "emails"
    ? { type: "emails", emailCount: "emailCount" in audience ? audience.emailCount : audience.emails.length }
    : audience;

const view = (row: CampaignRow): CampaignView => {
  const status = row.status as CampaignStatus;
  return {
    id: row.id,
    name: row.name,
    audience: audienceView(row.audience as StoredAudience),
    points: row.points,
    rewardId: row.rewardId,
    message: row.message,
    sendAt: row.sendAt,
    status,
    total: row.total,
    awarded: row.awarded,
    progress: campaignProgress({ status, total: row.total, awarded: row.awarded }),
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
};

/**
 * A finished campaign keeps no pasted emails (only how many there were) and no segment recipients:
 * nothing will read them again, and the emails name people.
 */
const FINISHED = Prisma.sql`"updatedAt" = ${NOW_UTC},
  audience = CASE WHEN audience->>'type' = 'emails'
                  THEN jsonb_build_object('type', 'emails', 'emails', '[]'::jsonb, 'emailCount', jsonb_array_length(audience->'emails'))
                  ELSE audience END`;

async function dropRecipients(db: PrismaClient | Tx, campaignId: string) {
  await db.$executeRaw`DELETE FROM "CampaignRecipient" WHERE "campaignId" = ${campaignId}`;
}

/** Customer erasure: a pasted list may name the shopper; their email leaves every campaign of the shop. */
export async function eraseEmailFromCampaigns(tx: Tx, shopId: string, email: string) {
  await tx.$executeRaw`
    UPDATE "Campaign" SET audience = jsonb_set(audience, '{emails}', (audience->'emails') - ${email.trim().toLowerCase()}::text)
     WHERE "shopId" = ${shopId} AND audience->>'type' = 'emails' AND audience->'emails' ? ${email.trim().toLowerCase()}::text`;
}

const CAMPAIGN_COLUMNS = Prisma.sql`id, "shopId", name, audience, points, "rewardId", message, "sendAt", status, total,
  awarded, cursor, error, "createdBy", "createdAt", "startedAt", "finishedAt"`;

/**
 * Which members an audience names, as a condition on `"Member" m` — the one definition the count
 * and the sending share. A segment is its resolved members: the campaign's recipients, or (for a
 * count before there is a campaign) the Shopify customer ids read from the segment.
 */
export function audienceCondition(
  shopId: string,
  audience: CampaignAudience,
  now: Date,
  segment: { campaignId: string } | { customerIds: string[] },
): Prisma.Sql {
  // Erased or deleted shoppers are nobody's audience; a member without a customer cannot be told.
  const base = Prisma.sql`m."shopId" = ${shopId} AND m."shopifyCustomerId" IS NOT NULL AND m."redactedAt" IS NULL AND m."deletedAt" IS NULL`;
  switch (audience.type) {
    case "all":
      return base;
    case "tier":
      return Prisma.sql`${base} AND m."tierId" = ${audience.tierId}`;
    case "inactive": {
      const since = new Date(now.getTime() - audience.days * 86_400_000);
      return Prisma.sql`${base} AND COALESCE(m."lastEarnedAt", m."createdAt") < ${since}`;
    }
    case "balance":
      return audience.comparison === "above"
        ? Prisma.sql`${base} AND m.balance > ${audience.points}`
        : Prisma.sql`${base} AND m.balance < ${audience.points}`;
    case "emails":
      return Prisma.sql`${base} AND lower(m.email) = ANY(${audience.emails}::text[])`;
    case "segment":
      return "campaignId" in segment
        ? Prisma.sql`${base} AND EXISTS (SELECT 1 FROM "CampaignRecipient" r WHERE r."campaignId" = ${segment.campaignId} AND r."memberId" = m.id)`
        : Prisma.sql`${base} AND m."shopifyCustomerId" = ANY(${segment.customerIds}::text[])`;
  }
}

async function countWhere(db: PrismaClient | Tx, condition: Prisma.Sql): Promise<number> {
  const [row] = await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM "Member" m WHERE ${condition}`;
  return Number(row?.count ?? 0);
}

/**
 * How many members the audience names now ("count recipients" before sending). A segment is read
 * from Shopify up to COUNT_SEGMENT_LIMIT members; `complete` is false past that.
 */
export async function countAudience(
  db: PrismaClient,
  shop: { id: string; domain: string },
  audience: CampaignAudience,
  now = new Date(),
  gatewayOptions?: AdminGatewayOptions,
): Promise<{ count: number; complete: boolean }> {
  if (audience.type !== "segment") {
    return {
      count: await countWhere(db, audienceCondition(shop.id, audience, now, { customerIds: [] })),
      complete: true,
    };
  }
  const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions);
  const customerIds: string[] = [];
  let after: string | null = null;
  do {
    const page: SegmentMembersPage = await segmentMembersPage(admin, audience.segmentId, after);
    customerIds.push(...page.customerIds);
    after = page.next;
  } while (after && customerIds.length < COUNT_SEGMENT_LIMIT);
  const count = await countWhere(db, audienceCondition(shop.id, audience, now, { customerIds }));
  return { count, complete: after === null };
}

export type CreateCampaignResult =
  { ok: true; campaign: CampaignView } | { ok: false; issues: { path: PropertyKey[]; message: string }[] };

/** The reward a campaign can give: one of the catalog's discount rewards (store credit is bought, not given here). */
export function giftableReward(shop: LoadedShop, rewardId: string): Reward | null {
  const reward = shop.program.rewards.find((candidate) => candidate.id === rewardId);
  return reward && reward.type !== "store_credit" ? reward : null;
}

/** A campaign the merchant asked for, checked against the program; nothing is written when refused. */
export async function createCampaign(
  db: PrismaClient,
  shop: LoadedShop,
  input: CampaignInput,
  createdBy: string | null,
  now = new Date(),
): Promise<CreateCampaignResult> {
  const issues: { path: PropertyKey[]; message: string }[] = [];
  if (input.audience.type === "tier") {
    const tierId = input.audience.tierId;
    if (!shop.program.tiers.levels.some((level) => level.id === tierId))
      issues.push({ path: ["audience", "tierId"], message: "no such tier" });
  }
  if (input.rewardId !== undefined && !giftableReward(shop, input.rewardId))
    issues.push({ path: ["rewardId"], message: "no such discount reward in the catalog" });
  if (issues.length) return { ok: false, issues };
  const sendAt = input.sendAt ? new Date(input.sendAt) : now;
  const [row] = rows(
    campaignRow,
    await db.$queryRaw`
      INSERT INTO "Campaign" (id, "shopId", name, audience, points, "rewardId", message, "sendAt", status, "createdBy", "createdAt", "updatedAt")
      VALUES (gen_random_uuid()::text, ${shop.id}, ${input.name}, ${JSON.stringify(input.audience)}::jsonb, ${input.points ?? null},
              ${input.rewardId ?? null}, ${input.message}, ${sendAt}, ${initialStatus(input.audience)}, ${createdBy}, ${NOW_UTC}, ${NOW_UTC})
      RETURNING ${CAMPAIGN_COLUMNS}`,
  );
  return { ok: true, campaign: view(row!) };
}

export async function getCampaign(db: PrismaClient | Tx, shopId: string, id: string): Promise<CampaignView | null> {
  const [row] = rows(
    campaignRow,
    await db.$queryRaw`SELECT ${CAMPAIGN_COLUMNS} FROM "Campaign" WHERE id = ${id} AND "shopId" = ${shopId}`,
  );
  return row ? view(row) : null;
}

/** The shop's latest campaigns, newest first. */
export async function listCampaigns(db: PrismaClient, shopId: string, take = 50): Promise<CampaignView[]> {
  return rows(
    campaignRow,
    await db.$queryRaw`
      SELECT ${CAMPAIGN_COLUMNS} FROM "Campaign" WHERE "shopId" = ${shopId} ORDER BY "createdAt" DESC, id DESC LIMIT ${take}`,
  ).map(view);
}

/**
 * Stops a campaign not yet finished: the batch under way commits, the next one sees the status
 * and stops. Members already given it keep it. Null when the shop has no such campaign.
 */
export async function cancelCampaign(
  db: PrismaClient,
  shopId: string,
  id: string,
  now = new Date(),
): Promise<CampaignView | null> {
  await db.$executeRaw`
    UPDATE "Campaign" SET status = 'cancelled', "finishedAt" = ${now}, ${FINISHED}
     WHERE id = ${id} AND "shopId" = ${shopId} AND status = ANY(${UNFINISHED_STATUSES}::text[])`;
  await dropRecipients(db, id);
  return getCampaign(db, shopId, id);
}

/** Shopify will not answer this shop's reads however often we ask. */
const isPermanentAdminFailure = (error: unknown) =>
  error instanceof ShopNotInstalledError ||
  error instanceof AdminGraphQLError ||
  (error instanceof AdminHttpError && !isRetryable(error));

async function failCampaign(db: PrismaClient | Tx, id: string, error: string, now: Date) {
  await db.$executeRaw`
    UPDATE "Campaign" SET status = 'failed', error = ${error}, "finishedAt" = ${now}, ${FINISHED}
     WHERE id = ${id} AND status = ANY(${UNFINISHED_STATUSES}::text[])`;
  await dropRecipients(db, id);
}

/**
 * A segment campaign's members, read from Shopify a page at a time and kept as its recipients.
 * While counting, `cursor` holds Shopify's page cursor, saved after each page: a pass that runs
 * out of time (or of Shopify's rate) resumes at the next page. Returns false when time ran out.
 */
async function resolveSegment(
  db: PrismaClient,
  campaign: CampaignRow,
  now: Date,
  deadline: number,
  gatewayOptions?: AdminGatewayOptions,
): Promise<boolean> {
  const audience = campaign.audience as Extract<CampaignAudience, { type: "segment" }>;
  const shop = await db.shop.findUniqueOrThrow({ where: { id: campaign.shopId }, select: { domain: true } });
  let after = campaign.cursor;
  let read = await db.campaignRecipient.count({ where: { campaignId: campaign.id } });
  try {
    const admin = await AdminGateway.forShop(db, shop.domain, gatewayOptions);
    do {
      if (Date.now() >= deadline) return false;
      const page = await segmentMembersPage(admin, audience.segmentId, after);
      after = page.next && read + page.customerIds.length < MAX_SEGMENT_MEMBERS ? page.next : null;
      read += page.customerIds.length;
      await inTransaction(db, async (tx) => {
        await tx.$executeRaw`
          INSERT INTO "CampaignRecipient" ("campaignId", "memberId")
          SELECT ${campaign.id}, m.id FROM "Member" m
           WHERE m."shopId" = ${campaign.shopId} AND m."shopifyCustomerId" = ANY(${page.customerIds}::text[])
          ON CONFLICT DO NOTHING`;
        await tx.$executeRaw`
          UPDATE "Campaign" SET cursor = ${after}, "updatedAt" = ${NOW_UTC},
                 status = CASE WHEN ${after === null} THEN 'scheduled' ELSE status END
           WHERE id = ${campaign.id} AND status = 'counting'`;
      });
    } while (after);
    return true;
  } catch (error) {
    if (isRetryable(error)) {
      // The next pass reads on from the last page saved.
      console.warn(JSON.stringify({ event: "campaign.segment_deferred", campaign: campaign.id, error: String(error) }));
      return false;
    }
    if (!isPermanentAdminFailure(error)) throw error;
    await failCampaign(db, campaign.id, "segment_unreadable", now);
    return true;
  }
}

/** A campaign due to send starts: its audience counted with the same condition the batches use. */
async function startCampaign(db: PrismaClient, campaign: CampaignRow, now: Date) {
  const condition = audienceCondition(campaign.shopId, campaign.audience as CampaignAudience, now, {
    campaignId: campaign.id,
  });
  await db.$executeRaw`
    UPDATE "Campaign" SET status = 'running', "startedAt" = ${now}, "updatedAt" = ${NOW_UTC},
           total = (SELECT count(*) FROM "Member" m WHERE ${condition})
     WHERE id = ${campaign.id} AND status = 'scheduled' AND "sendAt" <= ${now}`;
}

export interface BatchOutcome {
  /** Members given it in this batch. */
  awarded: number;
  points: number;
  /** The campaign has nothing more to send (done, cancelled, failed or paused). */
  stop: boolean;
}

/**
 * One batch of a running campaign in one transaction. The campaign row is taken with SKIP LOCKED:
 * an instance already sending a batch of it is left to it (stop), never joined.
 */
export async function sendCampaignBatch(
  tx: Tx,
  shop: LoadedShop,
  campaignId: string,
  now: Date,
  batchSize = CAMPAIGN_BATCH,
): Promise<BatchOutcome> {
  const [campaign] = rows(
    campaignRow,
    await tx.$queryRaw`SELECT ${CAMPAIGN_COLUMNS} FROM "Campaign" WHERE id = ${campaignId} FOR UPDATE SKIP LOCKED`,
  );
  const stopped = { awarded: 0, points: 0, stop: true };
  if (!campaign || campaign.status !== "running") return stopped;
  const reward = campaign.rewardId ? giftableReward(shop, campaign.rewardId) : null;
  if (campaign.rewardId && !reward) {
    await failCampaign(tx, campaign.id, "reward_removed", now);
    return stopped;
  }
  // Paused while the program is off: the campaign resumes when it is on again.
  if (!shop.program.enabled) return stopped;
  const condition = audienceCondition(shop.id, campaign.audience as CampaignAudience, now, { campaignId });
  const after = campaign.cursor ? Prisma.sql`AND m.id > ${campaign.cursor}` : Prisma.empty;
  // Locked in id order, as every batch writer locks members.
  const batch = rows(
    z.object({ id: z.string() }),
    await tx.$queryRaw`
      SELECT m.id FROM "Member" m WHERE ${condition} ${after} ORDER BY m.id LIMIT ${batchSize} FOR UPDATE OF m`,
  ).map((row) => row.id);
  if (!batch.length) {
    await tx.$executeRaw`
      UPDATE "Campaign" SET status = 'done', "finishedAt" = ${now}, ${FINISHED} WHERE id = ${campaign.id}`;
    await dropRecipients(tx, campaign.id);
    return stopped;
  }
  const given = reward
    ? await giveReward(tx, shop, campaign, reward, batch, now)
    : await givePoints(tx, shop, campaign, campaign.points!, batch, now);
  await tx.$executeRaw`
    UPDATE "Campaign" SET cursor = ${batch[batch.length - 1]!}, awarded = awarded + ${given.length}, "updatedAt" = ${NOW_UTC}
     WHERE id = ${campaign.id}`;
  await queueMemberSyncs(
    tx,
    shop.id,
    given.map((g) => g.memberId),
    now,
  );
  // Flow's texts are in the shop's language; nothing to build for a shop without a workflow on it.
  const flowLanguage = await flowTriggerLanguage(tx, shop.id, "surprise");
  if (!flowLanguage) return { awarded: given.length, points: given.length * (campaign.points ?? 0), stop: false };
  await queueFlowEvents(
    tx,
    shop.id,
    "surprise",
    given.map((g) => ({
      eventKey: `surprise:${campaign.id}:${g.memberId}`,
      memberId: g.memberId,
      fields: {
        "Campaign name": campaign.name,
        Message: campaign.message,
        Points: campaign.points ?? 0,
        Reward: reward ? nameIn(reward, flowLanguage) : "",
        "Discount code": g.code ?? "",
        "Points balance": g.balance,
      },
    })),
    now,
  );
  return { awarded: given.length, points: given.length * (campaign.points ?? 0), stop: false };
}

interface Given {
  memberId: string;
  balance: number;
  code: string | null;
}

/**
 * The points for a batch, in one statement: an award per member not yet given it, its ledger entry
 * (`campaign:<id>:<member>`, unique per shop) and lot, and the member's balance. A member already
 * awarded (or already holding the key) is skipped at each step.
 */
async function givePoints(
  tx: Tx,
  shop: LoadedShop,
  campaign: CampaignRow,
  points: number,
  memberIds: string[],
  now: Date,
): Promise<Given[]> {
  const given = rows(
    z.object({ memberId: z.string(), balance: z.bigint() }),
    await tx.$queryRaw`
      WITH awards AS (
        INSERT INTO "CampaignAward" ("campaignId", "memberId", points, "createdAt")
        SELECT ${campaign.id}, id, ${points}, ${now} FROM unnest(${memberIds}::text[]) AS batch(id)
        ON CONFLICT DO NOTHING
        RETURNING "memberId"
      ), entries AS (
        INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, "pendingDelta", kind, "idempotencyKey", "sourceType", "sourceId", reason, "staffId", "createdAt")
        SELECT gen_random_uuid()::text, ${shop.id}, a."memberId", ${points}, 0, 'bonus', 'campaign:' || ${campaign.id} || ':' || a."memberId",
               'campaign', ${campaign.id}, ${campaign.name}, ${campaign.createdBy}, ${NOW_UTC}
          FROM awards a
        ON CONFLICT ("shopId", "idempotencyKey") DO NOTHING
        RETURNING "memberId"
      ), lots AS (
        INSERT INTO "PointLot" (id, "shopId", "memberId", amount, remaining, held, "availableAt", "expiresAt", source, "createdAt")
        SELECT gen_random_uuid()::text, ${shop.id}, e."memberId", ${points}, ${points}, false, ${now}, ${expiresAtFor(shop.program, now)}, 'campaign', ${NOW_UTC}
          FROM entries e
        RETURNING 1
      )
      UPDATE "Member" m
         SET balance = m.balance + ${points},
             -- A gift counts as activity: an inactivity expiry does not take it the minute it lands.
             "lastEarnedAt" = GREATEST(COALESCE(m."lastEarnedAt", ${now}), ${now}),
             "updatedAt" = ${NOW_UTC}
        FROM entries e
       WHERE m.id = e."memberId"
      RETURNING m.id AS "memberId", m.balance`,
  );
  return given.map((row) => ({ memberId: row.memberId, balance: Number(row.balance), code: null }));
}

/** The reward for a batch: a code per member not yet given it (made by the outbox), keyed like the points. */
async function giveReward(
  tx: Tx,
  shop: LoadedShop,
  campaign: CampaignRow,
  reward: Reward,
  memberIds: string[],
  now: Date,
): Promise<Given[]> {
  const fresh = rows(
    z.object({ memberId: z.string(), balance: z.bigint() }),
    await tx.$queryRaw`
      WITH awards AS (
        INSERT INTO "CampaignAward" ("campaignId", "memberId", points, "createdAt")
        SELECT ${campaign.id}, id, 0, ${now} FROM unnest(${memberIds}::text[]) AS batch(id)
        ON CONFLICT DO NOTHING
        RETURNING "memberId"
      )
      SELECT a."memberId", m.balance FROM awards a JOIN "Member" m ON m.id = a."memberId"`,
  );
  const given: Given[] = [];
  for (const { memberId, balance } of fresh) {
    const redemption = await grantReward(tx, shop, memberId, reward, `campaign:${campaign.id}:${memberId}`, now);
    given.push({ memberId, balance: Number(balance), code: redemption.code });
  }
  if (given.length) {
    await tx.$executeRaw`
      UPDATE "CampaignAward" a SET "redemptionId" = r.id
        FROM "Redemption" r
       WHERE a."campaignId" = ${campaign.id} AND a."memberId" = ANY(${given.map((g) => g.memberId)}::text[])
         AND r."shopId" = ${shop.id} AND r."requestKey" = 'campaign:' || ${campaign.id} || ':' || a."memberId"`;
  }
  return given;
}

/**
 * The campaigns job: segments read, due campaigns started, then running campaigns a batch at a
 * time until they are done or the pass's budget is spent; the next pass resumes from the cursor.
 */
export async function runCampaigns(
  db: PrismaClient,
  now: Date,
  gatewayOptions?: AdminGatewayOptions,
  limits: { maxBatches?: number; budgetMs?: number; batchSize?: number } = {},
) {
  const report = { job: "campaigns", processed: 0, points: 0 };
  const deadline = Date.now() + (limits.budgetMs ?? DEFAULT_PASS_BUDGET_MS);
  let batchesLeft = limits.maxBatches ?? Infinity;
  const open = rows(
    campaignRow,
    await db.$queryRaw`
      SELECT ${CAMPAIGN_COLUMNS} FROM "Campaign"
       WHERE status IN ('counting', 'running') OR (status = 'scheduled' AND "sendAt" <= ${now})
       ORDER BY "sendAt", id`,
  );
  for (const campaign of open) {
    if (campaign.status === "counting" && !(await resolveSegment(db, campaign, now, deadline, gatewayOptions))) break;
  }
  for (const campaign of open) {
    if (campaign.status === "scheduled" || (campaign.status === "counting" && campaign.sendAt <= now))
      await startCampaign(db, campaign, now);
  }
  const running = rows(
    z.object({ id: z.string(), shopId: z.string() }),
    await db.$queryRaw`SELECT id, "shopId" FROM "Campaign" WHERE status = 'running' ORDER BY "startedAt", id`,
  );
  for (const campaign of running) {
    const shop = await loadRunnableShop(db, campaign.shopId);
    if (!shop) continue;
    while (batchesLeft > 0 && Date.now() < deadline) {
      const outcome = await inTransaction(db, (tx) => sendCampaignBatch(tx, shop, campaign.id, now, limits.batchSize));
      batchesLeft--;
      report.processed += outcome.awarded;
      report.points += outcome.points;
      if (outcome.stop) break;
    }
    if (batchesLeft <= 0 || Date.now() >= deadline) break;
  }
  return report;
}

export interface Surprise {
  id: string;
  campaignName: string;
  message: string;
  points: number;
  rewardName: string | null;
}

/** The latest campaign gift the shopper has not seen yet (the widget shows it once), or null. */
export async function unseenSurprise(
  db: PrismaClient,
  shop: LoadedShop,
  memberId: string,
  language: ShopperLanguage,
): Promise<Surprise | null> {
  const [row] = await db.$queryRaw<
    { id: string; campaignName: string; message: string; points: number; rewardId: string | null }[]
  >`
    SELECT c.id, c.name AS "campaignName", c.message, a.points, c."rewardId"
      FROM "CampaignAward" a JOIN "Campaign" c ON c.id = a."campaignId"
     WHERE a."memberId" = ${memberId} AND a."seenAt" IS NULL
     ORDER BY a."createdAt" DESC, c.id DESC LIMIT 1`;
  if (!row) return null;
  const reward = row.rewardId ? shop.program.rewards.find((candidate) => candidate.id === row.rewardId) : null;
  return {
    id: row.id,
    campaignName: row.campaignName,
    message: row.message,
    points: row.points,
    rewardName: reward ? nameIn(reward, language) : null,
  };
}

/**
 * The shopper saw the campaign's surprise: it, and any older one still unseen, are not shown
 * again. False when the shopper had no such surprise.
 */
export async function markSurpriseSeen(
  db: PrismaClient,
  shopId: string,
  customerId: string,
  campaignId: string,
  now = new Date(),
): Promise<boolean> {
  const [seen] = await db.$queryRaw<{ memberId: string; createdAt: Date }[]>`
    SELECT a."memberId", a."createdAt" FROM "CampaignAward" a JOIN "Member" m ON m.id = a."memberId"
     WHERE a."campaignId" = ${campaignId} AND m."shopId" = ${shopId} AND m."shopifyCustomerId" = ${customerId}`;
  if (!seen) return false;
  await db.$executeRaw`
    UPDATE "CampaignAward" SET "seenAt" = ${now}
     WHERE "memberId" = ${seen.memberId} AND "seenAt" IS NULL AND "createdAt" <= ${seen.createdAt}`;
  return true;
}
