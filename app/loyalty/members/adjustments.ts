import { z } from "zod";
import { idempotencyKey } from "~/http/idempotency-key";

/** The most points one manual adjustment moves: more is a typo, not a gesture. */
export const MAX_ADJUSTMENT = 10_000_000;

/**
 * A manual points adjustment, whichever door it comes through (the Admin API's JSON body, the
 * member page's form): the same fields and rules, so the same bad input gets the same 422.
 */
export const adjustmentRequest = z.object({
  points: z
    .number()
    .int()
    .refine((points) => points !== 0, "must not be 0")
    .refine((points) => Math.abs(points) <= MAX_ADJUSTMENT, "too large"),
  reason: z.string().trim().min(3).max(500),
  /** Sent again with a retry of the same adjustment, so it is applied once. */
  idempotencyKey,
});

export type AdjustmentRequest = z.infer<typeof adjustmentRequest>;

/** The member page's form as the API's body: a form's points are text, a number or not one. */
export function adjustmentFromForm(form: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = Object.fromEntries(form);
  const text = fields.points;
  const points = typeof text === "string" && text.trim() !== "" ? Number(text) : NaN;
  return Number.isFinite(points) ? { ...fields, points } : fields;
}
