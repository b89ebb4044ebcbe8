import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db/database.server";
import { OUTBOX_TOPICS } from "~/db/outbox-topics";
import { SHOPPER_LANGUAGES } from "~/languages";
import { SUBSCRIPTION_STATUSES, UNBILLED_REASONS, USAGE_CHARGE_STATUSES } from "~/loyalty/billing/plan";
import { IMPORT_FAILURES, IMPORT_STATUSES } from "~/loyalty/members/import.server";
import { CAMPAIGN_STATUSES } from "~/loyalty/campaigns/campaigns";
import { PARTNER_EARN_MODES } from "~/loyalty/partners/partners";
import { LEDGER_KINDS } from "~/loyalty/points/ledger-entry";
import { REFERRAL_SOURCES, REFERRAL_STATUSES } from "~/loyalty/referrals/statuses";
import { REDEMPTION_CHANNELS } from "~/loyalty/rewards/pos";
import { TIER_PERK_KINDS, TIER_PERK_STATUSES } from "~/loyalty/tiers/perks";
import { freshDatabase, type FreshDatabase } from "./support/database";

/** The unions the code writes are the values the database's CHECK constraints allow: one list, twice. */

let fresh: FreshDatabase;
let database: Database;

beforeAll(async () => {
  fresh = await freshDatabase();
  database = openDatabase({ databaseUrl: fresh.env.DATABASE_URL, pgliteDir: fresh.env.PGLITE_DATA_DIR });
  await database.ready;
}, 120_000);

afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

/** The quoted values of a `column IN (…)` CHECK constraint, as the database holds it. */
async function allowedValues(constraint: string): Promise<string[]> {
  const [row] = await database.prisma.$queryRaw<{ definition: string }[]>`
    SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = ${constraint}`;
  if (!row) throw new Error(`no constraint ${constraint}`);
  return [...row.definition.matchAll(/'([^']*)'/g)].map((match) => match[1]!).sort();
}

describe("stored strings with a fixed set of values", () => {
  it.each([
    ["LedgerEntry_kind_check", LEDGER_KINDS],
    ["Referral_status_check", REFERRAL_STATUSES],
    ["Referral_source_check", REFERRAL_SOURCES],
    ["MemberImport_status_check", IMPORT_STATUSES],
    ["MemberImport_failure_check", IMPORT_FAILURES],
    ["OutboxTask_topic_check", OUTBOX_TOPICS],
    ["Shop_language_check", SHOPPER_LANGUAGES],
    ["AppSubscription_status_check", SUBSCRIPTION_STATUSES],
    ["UsageCharge_status_check", USAGE_CHARGE_STATUSES],
    ["UsageCharge_unbilledReason_check", UNBILLED_REASONS],
    ["Redemption_channel_check", REDEMPTION_CHANNELS],
    ["TierPerkSync_kind_check", TIER_PERK_KINDS],
    ["TierPerkSync_status_check", TIER_PERK_STATUSES],
    ["Partner_earnMode_check", PARTNER_EARN_MODES],
    ["Campaign_status_check", CAMPAIGN_STATUSES],
  ] as const)("%s allows exactly the code's union", async (constraint, values) => {
    expect(await allowedValues(constraint)).toEqual([...values].sort());
  });
});
