import { describe, expect, it } from "vitest";
import { appliedBulkLines } from "./bulk-operations.server";

const file = (lines: unknown[]) => {
  const body = lines.map((line) => JSON.stringify(line)).join("\n");
  return (async () => new Response(body)) as unknown as typeof fetch;
};

describe("a bulk mutation's result file", () => {
  it("counts a line as applied only when it has a payload without userErrors or errors, in any order", async () => {
    const applied = await appliedBulkLines("shop.myshopify.com", "https://storage.test/result.jsonl", {
      fetch: file([
        { data: { tagsAdd: { userErrors: [] } }, __lineNumber: 2 },
        { data: { tagsAdd: { userErrors: [{ field: ["id"], message: "Customer does not exist" }] } }, __lineNumber: 0 },
        { errors: [{ message: "Internal error" }], __lineNumber: 3 },
        { data: { tagsAdd: null }, __lineNumber: 4 },
        { data: { tagsAdd: { userErrors: [] } }, __lineNumber: 1 },
      ]),
    });
    // Line 5 is missing from the file: not applied either.
    expect([...applied].sort()).toEqual([1, 2]);
  });

  it("has nothing applied without a file", async () => {
    expect(await appliedBulkLines("shop.myshopify.com", null)).toEqual(new Set());
  });
});
