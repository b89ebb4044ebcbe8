import { expect } from "vitest";

// Points and money columns are bigint in the database (Prisma returns them as bigint); a test
// states them as plain integers. toEqual/toMatchObject treat 120n and 120 as equal — never 120n
// and 120.5. `toBe` stays strict: read a column with Number() to compare with toBe.
expect.addEqualityTesters([
  function bigintEqualsInteger(a: unknown, b: unknown) {
    if (typeof a === "bigint" && typeof b === "number") return Number.isInteger(b) && a === BigInt(b);
    if (typeof a === "number" && typeof b === "bigint") return Number.isInteger(a) && BigInt(a) === b;
    return undefined;
  },
]);
