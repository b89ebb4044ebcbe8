import { Prisma } from "@prisma/client";

/**
 * The database's clock for a raw statement's timestamps, in UTC like every timestamp Prisma
 * writes (the columns are `timestamp` without zone; CURRENT_TIMESTAMP would store the server's
 * local time). clock_timestamp(), not the transaction's start, so rows written one after another
 * in one transaction keep their order.
 */
export const NOW_UTC = Prisma.sql`(clock_timestamp() AT TIME ZONE 'UTC')`;
