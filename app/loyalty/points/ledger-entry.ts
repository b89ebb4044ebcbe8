/**
 * What a ledger entry can say, one list each, shared by the code and its SQL. `kind` is also
 * a CHECK constraint in the database (test/stored-values.test.ts keeps the two equal): a new
 * kind is a new migration that widens it.
 */
export const LEDGER_KINDS = [
  "earn",
  "bonus",
  "action",
  "partner",
  "adjust",
  "import",
  "release",
  "expire",
  "redeem",
  "reverse",
  "merge_in",
  "merge_out",
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** What caused an entry (with `sourceId`, which one); null for entries the ledger makes itself. */
export const LEDGER_SOURCE_TYPES = [
  "order",
  "refund",
  "cancellation",
  "redemption",
  "signup",
  "birthday",
  "referral",
  "tier",
  "action",
  "partner",
  "staff",
  "merge",
  "import",
  /** Shopify Flow's actions (sourceId: the action run). */
  "flow",
  /** A challenge completed (sourceId: challenge id:cycle). */
  "challenge",
  /** The paid membership's join or renewal bonus (sourceId: the order line, order:line). */
  "membership",
  /** Points for answering a survey (sourceId: survey id:order id). */
  "survey",
  /** Giving back: points given to a cause (kind redeem; sourceId: the points donation) or the bonus for a round-up (sourceId: order id). */
  "donation",
  /** A surprise-and-delight campaign (sourceId: the campaign). */
  "campaign",
] as const;
export type LedgerSourceType = (typeof LEDGER_SOURCE_TYPES)[number];
