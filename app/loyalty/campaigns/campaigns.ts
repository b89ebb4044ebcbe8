import { z } from "zod";
import { MAX_POINTS } from "~/loyalty/program/program";

/**
 * Surprise-and-delight campaigns (docs/campaigns.md): the merchant picks an audience, points or a
 * reward and a message; the campaigns job gives it to each member of the audience once.
 */

/** The database checks these too (test/stored-values.test.ts keeps the two equal). */
export const CAMPAIGN_STATUSES = ["counting", "scheduled", "running", "done", "cancelled", "failed"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Still to send (or sending): cancel stops these. */
export const UNFINISHED_STATUSES: CampaignStatus[] = ["counting", "scheduled", "running"];

/** A pasted list holds at most this many emails. */
export const MAX_CAMPAIGN_EMAILS = 10_000;
/** A segment's members are read up to this many (a page of 100 at a time, across job passes). */
export const MAX_SEGMENT_MEMBERS = 200_000;
export const MAX_MESSAGE_LENGTH = 280;
export const MAX_CAMPAIGN_NAME_LENGTH = 100;
/** Inactive for at most ten years; a balance bound within what a member can hold. */
const MAX_INACTIVE_DAYS = 3_650;
/** A request body: 10,000 emails of up to 254 characters, quoted, plus the rest. */
export const MAX_CAMPAIGN_BODY_BYTES = 3 * 1024 * 1024;

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, "not an email address");

export const audienceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("all") }).strict(),
  z.object({ type: z.literal("tier"), tierId: z.string().min(1).max(50) }).strict(),
  z.object({ type: z.literal("inactive"), days: z.number().int().min(1).max(MAX_INACTIVE_DAYS) }).strict(),
  z
    .object({
      type: z.literal("balance"),
      comparison: z.enum(["above", "below"]),
      points: z.number().int().min(0).max(MAX_POINTS),
    })
    .strict(),
  z
    .object({
      type: z.literal("segment"),
      segmentId: z
        .string()
        .max(100)
        .regex(/^gid:\/\/shopify\/Segment\/\d+$/, "not a segment id"),
      segmentName: z.string().max(255).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("emails"),
      emails: z
        .array(email)
        .min(1)
        .max(MAX_CAMPAIGN_EMAILS)
        .transform((list) => [...new Set(list)]),
    })
    .strict(),
]);
export type CampaignAudience = z.output<typeof audienceSchema>;

const isControl = (char: string) => {
  const code = char.charCodeAt(0);
  return (code < 0x20 && char !== "\n" && char !== "\t" && char !== "\r") || code === 0x7f;
};

/** Text the merchant writes for shoppers: trimmed, bounded, no control characters (HTML is escaped where shown). */
const shopperText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // Line breaks and tabs are fine; other control characters have no place in a message.
    .refine((text) => ![...text].some(isControl), "control characters are not allowed");

export const campaignInputSchema = z
  .object({
    name: shopperText(MAX_CAMPAIGN_NAME_LENGTH),
    audience: audienceSchema,
    points: z.number().int().min(1).max(MAX_POINTS).optional(),
    rewardId: z.string().min(1).max(50).optional(),
    message: shopperText(MAX_MESSAGE_LENGTH),
    sendAt: z.string().datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((input) => (input.points === undefined) !== (input.rewardId === undefined), {
    message: "give either points or a reward",
    path: ["points"],
  });
export type CampaignInput = z.output<typeof campaignInputSchema>;

export const countBodySchema = z.object({ audience: audienceSchema }).strict();

/** How far a campaign has got, 0–100, for the progress bar. */
export function campaignProgress(campaign: { status: CampaignStatus; total: number; awarded: number }): number {
  if (campaign.status === "done") return 100;
  if (campaign.total <= 0) return 0;
  return Math.min(100, Math.floor((campaign.awarded / campaign.total) * 100));
}

/** A new campaign waits for its date; a segment's members are read first. */
export function initialStatus(audience: CampaignAudience): CampaignStatus {
  return audience.type === "segment" ? "counting" : "scheduled";
}
