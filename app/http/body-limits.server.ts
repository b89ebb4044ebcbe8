import { MAX_IMPORT_BYTES } from "~/loyalty/members/import";
import { MAX_PROGRAM_BYTES } from "~/loyalty/program/program";

const KB = 1024;
const MB = 1024 * KB;

/** What any request may send unless its path is listed below. */
export const DEFAULT_BODY_LIMIT = 256 * KB;

// Larger bodies only where Shopify or the merchant legitimately sends them. The import upload
// is the CSV inside a JSON string: escaping can double it, plus room for the other fields.
const BODY_LIMITS: { pathPrefix: string; bytes: number }[] = [
  { pathPrefix: "/webhooks/", bytes: 5 * MB },
  { pathPrefix: "/app/import", bytes: 2 * MAX_IMPORT_BYTES + 64 * KB },
  // A program over its size bound gets through to be told so (422), within reason.
  { pathPrefix: "/api/program", bytes: 2 * MAX_PROGRAM_BYTES },
  { pathPrefix: "/app/program", bytes: 2 * MAX_PROGRAM_BYTES },
];

/**
 * The largest request body accepted on a path, in bytes. The server (server.ts) enforces it
 * before any route reads the body: HMAC and session checks read the whole body first.
 */
export function bodyLimitFor(pathname: string): number {
  return BODY_LIMITS.find((limit) => pathname.startsWith(limit.pathPrefix))?.bytes ?? DEFAULT_BODY_LIMIT;
}
