import { z } from "zod";

/**
 * The rows of a raw SQL statement, checked against the shape the code reads: a column renamed,
 * dropped or of another type fails here, naming it, instead of flowing on as a wrong value.
 * BIGINT columns arrive as bigint (convert with fromBigInt), timestamps as Date.
 */
export function rows<Schema extends z.ZodType>(schema: Schema, result: unknown): z.output<Schema>[] {
  return z.array(schema).parse(result);
}
