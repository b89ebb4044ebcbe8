import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { adminOperation } from "~/shopify/operation";
import { ADMIN_OPERATION_TYPES_FILE, generateAdminOperationTypes } from "../sandbox/admin-operation-types";

describe("the Admin operations' generated types", () => {
  it("are what `npm run codegen` makes of the current documents and schema", async () => {
    const committed = readFileSync(ADMIN_OPERATION_TYPES_FILE, "utf8");
    expect(committed === (await generateAdminOperationTypes()), "run `npm run codegen` and commit the result").toBe(
      true,
    );
  }, 60_000);

  it("type every operation: a document the codegen has not seen does not typecheck", () => {
    // @ts-expect-error `npm run typecheck` fails here if adminOperation ever accepts an untyped document.
    const unseen = adminOperation(`#graphql
      query Unseen { shop { name } }
    `);
    expect(unseen.name).toBe("Unseen");
  });
});
