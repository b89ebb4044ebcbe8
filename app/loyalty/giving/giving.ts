import { z } from "zod";
import type { ShopperLanguage } from "~/languages";
import { isDonationLine, unitsCounting, type EligibleLine } from "~/loyalty/points/earning";
import { MAX_POINTS, type Cause, type Giving, type Program } from "~/loyalty/program/program";
import type { RefundLine } from "~/shopify/order-payloads";

/**
 * Giving back (issue 24, docs/giving.md): pure rules. Money is integer minor units of the shop's
 * currency; a round-up is the donation variant (one minor unit) bought in quantity
 * (docs/decisions/0028-round-up-as-a-one-minor-unit-variant.md).
 */

/** What a donation line of an order gives now: its cause, units still counting and their amount. */
export interface DonationLine {
  lineItemId: string;
  causeId: string;
  bought: number;
  quantity: number;
  amountCents: bigint;
}

/**
 * The cause a donation goes to: the one its line names while the program has it, else the default
 * cause, else the named one (a cause removed since keeps what was given to it), else "unassigned".
 */
export function causeOfDonation(giving: Giving, named: string | undefined): string {
  if (named && giving.causes.some((cause) => cause.id === named)) return named;
  return giving.defaultCauseId ?? named ?? UNASSIGNED_CAUSE;
}

/** Where a donation goes when it names no cause and the program has no default. */
export const UNASSIGNED_CAUSE = "unassigned";

/**
 * The order's donation lines as they stand after its refunds and cancellation: a refunded unit
 * gives nothing, a cancelled order nothing at all. The amount is what the shopper paid for the
 * units still counting (the line's gross, discounts included, pro rata).
 */
export function donationLines(
  program: Pick<Program, "giving">,
  lines: EligibleLine[],
  refunds: RefundLine[][],
  cancelled: boolean,
): DonationLine[] {
  return lines
    .filter((line) => isDonationLine(program, line))
    .map((line) => {
      const bought = line.quantity ?? 1;
      const quantity = unitsCounting(line, refunds, cancelled);
      const amountCents = bought > 0 ? (BigInt(line.grossCents) * BigInt(quantity)) / BigInt(bought) : 0n;
      return {
        lineItemId: line.lineItemId,
        causeId: causeOfDonation(program.giving, line.cause),
        bought,
        quantity,
        amountCents,
      };
    });
}

/** What points given to a cause are worth: points ÷ pointsPerUnit currency units, in minor units, rounded down. */
export function pointsValueCents(points: number, pointsPerUnit: number, currencyDigits: number): bigint {
  return (BigInt(points) * 10n ** BigInt(currencyDigits)) / BigInt(pointsPerUnit);
}

/** Points may be given in whole steps only (never zero). */
export const isWholeSteps = (points: number, step: number) =>
  Number.isSafeInteger(points) && points > 0 && points % step === 0;

/** The program's bonus for money given at checkout: per whole currency unit donated. */
export function donationBonusPoints(giving: Giving, amountCents: bigint, currencyDigits: number): number {
  if (giving.bonusPointsPerUnit <= 0 || amountCents <= 0n) return 0;
  const wholeUnits = amountCents / 10n ** BigInt(currencyDigits);
  return Number(wholeUnits) * giving.bonusPointsPerUnit;
}

/** Causes running at `now` (their start and end dates, when set). */
export function activeCauses(giving: Giving, now: Date): Cause[] {
  const at = now.getTime();
  return giving.causes.filter(
    (cause) =>
      (!cause.startsAt || Date.parse(cause.startsAt) <= at) && (!cause.endsAt || Date.parse(cause.endsAt) > at),
  );
}

/** A cause's name and description in the shopper's language (the merchant's translation, else the default). */
export function causeText(cause: Cause, language: ShopperLanguage) {
  const translated = cause.translations?.[language];
  return {
    id: cause.id,
    name: translated?.name ?? cause.name,
    description: translated?.description ?? cause.description,
    url: cause.url,
  };
}

/** Whether members may give points now: giving and points donations on, and at least one cause running. */
export const givesPoints = (program: Pick<Program, "enabled" | "giving">, now: Date) =>
  program.enabled &&
  program.giving.enabled &&
  program.giving.points.enabled &&
  activeCauses(program.giving, now).length > 0;

/** A member's request to give points: `POST …/donations { causeId, points }` (the Idempotency-Key header aside). */
export const pointsDonationBody = z
  .object({
    causeId: z.string().regex(/^[a-z0-9_-]{1,50}$/, "a cause id"),
    points: z.number().int().min(1).max(MAX_POINTS),
  })
  .strict();
