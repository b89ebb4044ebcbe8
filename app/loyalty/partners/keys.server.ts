import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A partner's API key: `tpk_<keyId>_<secret>`, where keyId (8 random bytes, hex) finds the partner
 * and secret is 32 random bytes (base64url). Only the SHA-256 of the whole key is stored: the key
 * carries 256 bits of randomness, so no guessing can reverse a plain hash, and a slow password hash
 * (bcrypt, scrypt) would only cost every request time (docs/decisions/0023).
 */
export interface IssuedKey {
  /** Shown to the merchant once, never stored. */
  key: string;
  keyId: string;
  keyHash: string;
}

const KEY_FORMAT = /^tpk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function hashPartnerKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function issuePartnerKey(): IssuedKey {
  const keyId = randomBytes(8).toString("hex");
  const key = `tpk_${keyId}_${randomBytes(32).toString("base64url")}`;
  return { key, keyId, keyHash: hashPartnerKey(key) };
}

/** The key id of a well-formed key (looked up to find the partner), else null. */
export function partnerKeyId(key: string): string | null {
  return KEY_FORMAT.exec(key)?.[1] ?? null;
}

/** A hash of no key: compared against when no partner matches, so both answers take as long. */
const NO_KEY_HASH = hashPartnerKey("tpk_none");

/** Whether the presented key hashes to the stored hash, compared in constant time. */
export function keyMatches(presented: string, storedHash: string | null): boolean {
  const presentedHash = Buffer.from(hashPartnerKey(presented), "hex");
  const stored = Buffer.from(storedHash ?? NO_KEY_HASH, "hex");
  return stored.length === presentedHash.length && timingSafeEqual(presentedHash, stored) && storedHash !== null;
}

/** How the admin names a key without showing it: its public id, shortened. */
export function keyHint(keyId: string): string {
  return `tpk_${keyId.slice(0, 6)}…`;
}
