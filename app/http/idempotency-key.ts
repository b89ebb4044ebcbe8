import { z } from "zod";

/**
 * A client's idempotency key, wherever it comes from (a header, a form, a JSON body): 8–255
 * visible ASCII characters. A UUID fits; a 6,000-character key never reaches a database index.
 */
export const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{8,255}$/, "must be 8 to 255 visible ASCII characters, such as a UUID");

/** The request's `Idempotency-Key` header: null when absent, a thrown 400 saying why when malformed. */
export function idempotencyKeyHeader(request: Request): string | null {
  const value = request.headers.get("idempotency-key");
  if (value === null) return null;
  const parsed = idempotencyKey.safeParse(value);
  if (!parsed.success) {
    throw Response.json(
      { error: "invalid_idempotency_key", message: `Idempotency-Key ${parsed.error.issues[0]!.message}` },
      { status: 400 },
    );
  }
  return parsed.data;
}
