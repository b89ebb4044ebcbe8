import { describe, expect, it } from "vitest";
import { audienceSchema, campaignInputSchema, campaignProgress, MAX_CAMPAIGN_EMAILS } from "./campaigns";

const valid = { name: "Thank you", audience: { type: "all" }, points: 200, message: "200 points: thank you!" };

describe("a campaign's input", () => {
  it("gives points or a reward, never both or neither", () => {
    expect(campaignInputSchema.safeParse(valid).success).toBe(true);
    expect(campaignInputSchema.safeParse({ ...valid, points: undefined, rewardId: "r1" }).success).toBe(true);
    expect(campaignInputSchema.safeParse({ ...valid, rewardId: "r1" }).success).toBe(false);
    expect(campaignInputSchema.safeParse({ ...valid, points: undefined }).success).toBe(false);
  });

  it("bounds the message and refuses control characters, keeping line breaks", () => {
    expect(campaignInputSchema.safeParse({ ...valid, message: "a".repeat(281) }).success).toBe(false);
    expect(campaignInputSchema.safeParse({ ...valid, message: "bell\u0007" }).success).toBe(false);
    expect(campaignInputSchema.safeParse({ ...valid, message: "two\nlines" }).success).toBe(true);
    expect(campaignInputSchema.safeParse({ ...valid, message: "   " }).success).toBe(false);
  });

  it("takes a date with its offset only", () => {
    expect(campaignInputSchema.safeParse({ ...valid, sendAt: "2026-12-24T09:00:00Z" }).success).toBe(true);
    expect(campaignInputSchema.safeParse({ ...valid, sendAt: "Christmas" }).success).toBe(false);
  });
});

describe("an audience", () => {
  it("lower-cases and de-duplicates pasted emails, within the bound", () => {
    const parsed = audienceSchema.parse({ type: "emails", emails: ["Ann@Example.com", "ann@example.com "] });
    expect(parsed).toEqual({ type: "emails", emails: ["ann@example.com"] });
    const tooMany = Array.from({ length: MAX_CAMPAIGN_EMAILS + 1 }, (_, i) => `e${i}@example.com`);
    expect(audienceSchema.safeParse({ type: "emails", emails: tooMany }).success).toBe(false);
    expect(audienceSchema.safeParse({ type: "emails", emails: ["not an email"] }).success).toBe(false);
  });

  it("names a segment by its Shopify id only", () => {
    expect(audienceSchema.safeParse({ type: "segment", segmentId: "gid://shopify/Segment/1" }).success).toBe(true);
    expect(audienceSchema.safeParse({ type: "segment", segmentId: "1 OR 1=1" }).success).toBe(false);
  });

  it("refuses fields it does not know", () => {
    expect(audienceSchema.safeParse({ type: "all", sql: "DROP" }).success).toBe(false);
  });
});

describe("progress", () => {
  it("is the share awarded, and full once done", () => {
    expect(campaignProgress({ status: "running", total: 10_000, awarded: 3_000 })).toBe(30);
    expect(campaignProgress({ status: "running", total: 0, awarded: 0 })).toBe(0);
    expect(campaignProgress({ status: "done", total: 10, awarded: 8 })).toBe(100);
  });
});
