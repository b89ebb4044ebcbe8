import { describe, expect, it } from "vitest";
import { hashPartnerKey, issuePartnerKey, keyMatches, partnerKeyId } from "./keys.server";

describe("partner API keys", () => {
  it("are 256 random bits behind a public key id, stored as a SHA-256 hash", () => {
    const { key, keyId, keyHash } = issuePartnerKey();
    expect(key).toMatch(/^tpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(partnerKeyId(key)).toBe(keyId);
    expect(keyHash).toBe(hashPartnerKey(key));
    expect(keyHash).not.toContain(key.slice(21));
    expect(issuePartnerKey().key).not.toBe(key);
  });

  it("match only the exact key, and never without a stored hash", () => {
    const { key, keyHash } = issuePartnerKey();
    expect(keyMatches(key, keyHash)).toBe(true);
    expect(keyMatches(`${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`, keyHash)).toBe(false);
    expect(keyMatches(key, null)).toBe(false);
    expect(keyMatches("tpk_none", null)).toBe(false);
    expect(partnerKeyId("tpk_short")).toBeNull();
  });
});
