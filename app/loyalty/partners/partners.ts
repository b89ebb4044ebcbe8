import { createHash } from "node:crypto";
import { z } from "zod";
import { MAX_POINTS } from "~/loyalty/program/program";
import { toMinorUnits } from "~/money/money";

/**
 * Partner earning (a coalition): a partner business — a hotel, an airline, a café — awards the
 * shop's points to the shop's customers through POST /api/partners/earn (docs/partners.md).
 * These are the rules, free of Shopify and of the database.
 */

/** How a partner's events earn: points per currency unit of a purchase, or points per event. */
export const PARTNER_EARN_MODES = ["per_amount", "per_event"] as const;
export type PartnerEarnMode = (typeof PARTNER_EARN_MODES)[number];

/** Bounds the merchant's settings stay within (so one award stays far below 2^53 points). */
export const PARTNER_BOUNDS = {
  nameLength: 80,
  pointsPerUnit: 1_000,
  pointsPerEvent: 100_000,
  dailyCap: 1_000_000,
  pendingDays: 365,
} as const;

const whole = (max: number) => z.coerce.number().int().min(0).max(max);

/** What the merchant sets for a partner in the admin. */
export const partnerSettingsSchema = z
  .object({
    name: z.string().trim().min(1).max(PARTNER_BOUNDS.nameLength),
    earnMode: z.enum(PARTNER_EARN_MODES),
    pointsPerUnit: whole(PARTNER_BOUNDS.pointsPerUnit).default(0),
    pointsPerEvent: whole(PARTNER_BOUNDS.pointsPerEvent).default(0),
    /** Points per customer per day; null (or 0 in a form) for no cap. */
    dailyCap: z
      .union([z.literal("").transform(() => null), z.null(), whole(PARTNER_BOUNDS.dailyCap)])
      .transform((cap) => (cap ? cap : null))
      .default(null),
    pendingDays: whole(PARTNER_BOUNDS.pendingDays).default(0),
    enrolNewCustomers: z
      .union([z.boolean(), z.enum(["true", "false", "on"])])
      .transform((value) => value === true || value === "true" || value === "on")
      .default(false),
  })
  .refine((settings) => (settings.earnMode === "per_amount" ? settings.pointsPerUnit : settings.pointsPerEvent) > 0, {
    message: "a partner earns at least 1 point",
    path: ["earnMode"],
  });
export type PartnerSettings = z.output<typeof partnerSettingsSchema>;

/** A partner's earning rule as the earn request needs it. */
export interface PartnerRule {
  earnMode: PartnerEarnMode;
  pointsPerUnit: number;
  pointsPerEvent: number;
}

/** The body of POST /api/partners/earn (docs/partners.md). */
export const earnRequestSchema = z
  .object({
    customer: z.union([
      z.object({ email: z.string().trim().toLowerCase().email().max(254) }).strict(),
      z
        .object({
          id: z
            .union([z.string(), z.number()])
            .transform(String)
            .pipe(z.string().regex(/^\d{1,20}$/)),
        })
        .strict(),
    ]),
    amount: z
      .string()
      .regex(/^\d{1,12}(\.\d{1,4})?$/, 'a decimal amount as text, such as "12.50"')
      .optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "an ISO 4217 currency code, such as USD")
      .transform((code) => code.toUpperCase())
      .optional(),
    points: z.number().int().min(1).max(PARTNER_BOUNDS.pointsPerEvent).optional(),
    /** The partner's own id of the event (a booking, a receipt): the same id earns once. */
    externalId: z.string().regex(/^[\x20-\x7e]{1,200}$/, "1 to 200 printable ASCII characters"),
    description: z.string().trim().max(200).optional(),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.amount !== undefined && body.points !== undefined)
      context.addIssue({ code: "custom", path: ["points"], message: "send either amount and currency, or points" });
    if ((body.amount === undefined) !== (body.currency === undefined))
      context.addIssue({ code: "custom", path: ["currency"], message: "amount and currency go together" });
  });
export type EarnRequest = z.output<typeof earnRequestSchema>;

export type PointsForRequest =
  | { ok: true; points: number; amountMinorUnits: bigint | null }
  | {
      ok: false;
      error:
        | "amount_required"
        | "amount_not_accepted"
        | "points_over_partner_limit"
        | "currency_mismatch"
        | "no_points"
        | "too_many_points";
      message: string;
    };

/**
 * The points one request earns by the partner's rule:
 * - per amount: the purchase in the shop's currency (never converted: another currency is
 *   refused), in minor units × points per unit, rounded down to whole points;
 * - per event: the partner's points per event, or fewer when the request says so.
 */
export function pointsForRequest(
  rule: PartnerRule,
  request: Pick<EarnRequest, "amount" | "currency" | "points">,
  shopCurrency: string,
  currencyDigits: number,
): PointsForRequest {
  if (rule.earnMode === "per_amount") {
    if (request.amount === undefined || request.currency === undefined)
      return {
        ok: false,
        error: "amount_required",
        message: `This partner earns per amount: send amount and currency (${shopCurrency}).`,
      };
    if (request.currency !== shopCurrency)
      return {
        ok: false,
        error: "currency_mismatch",
        message: `The amount is in ${request.currency} but the shop's points are earned in ${shopCurrency}: send the amount in ${shopCurrency}.`,
      };
    const minor = toMinorUnits(request.amount, currencyDigits)!;
    const points = (minor * BigInt(rule.pointsPerUnit)) / 10n ** BigInt(currencyDigits);
    if (points <= 0n) return { ok: false, error: "no_points", message: "The amount earns no points." };
    // The program's bound on any one award (program.ts MAX_POINTS): nothing real comes near it.
    if (points > BigInt(MAX_POINTS))
      return { ok: false, error: "too_many_points", message: `One award is at most ${MAX_POINTS} points.` };
    return { ok: true, points: Number(points), amountMinorUnits: minor };
  }
  if (request.amount !== undefined)
    return {
      ok: false,
      error: "amount_not_accepted",
      message: "This partner earns fixed points per event: send points (or nothing), not an amount.",
    };
  const points = request.points ?? rule.pointsPerEvent;
  if (points > rule.pointsPerEvent)
    return {
      ok: false,
      error: "points_over_partner_limit",
      message: `One event earns at most ${rule.pointsPerEvent} points from this partner.`,
    };
  return { ok: true, points, amountMinorUnits: null };
}

/** Whether `points` more today keep a customer within the partner's daily cap. */
export function withinDailyCap(cap: number | null, earnedToday: number, points: number): boolean {
  return cap === null || earnedToday + points <= cap;
}

/**
 * What a request asked for, so a repeat of its externalId can be told from a reuse: the same
 * customer, amount, currency, points and description give the same fingerprint.
 */
export function requestFingerprint(request: EarnRequest): string {
  const canonical = JSON.stringify([
    "email" in request.customer ? ["email", request.customer.email] : ["id", request.customer.id],
    request.amount === undefined ? null : (toMinorUnits(request.amount, 12) ?? 0n).toString(),
    request.currency ?? null,
    request.points ?? null,
    request.description ?? null,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** The ledger entry's reason: the partner's name and the description it sent (the entry's label shows it). */
export function partnerEntryReason(partnerName: string, description: string | undefined): string {
  return description ? `${partnerName}: ${description}` : partnerName;
}

/** When pending points become spendable: `pendingDays` after now (now itself with none). */
export function partnerAvailableAt(now: Date, pendingDays: number): Date {
  return new Date(now.getTime() + pendingDays * 86_400_000);
}
