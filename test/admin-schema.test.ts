import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { collectGraphQLDocuments, loadAdminSchema, PROJECT_ROOT } from "../sandbox/admin-schema";
import { API_VERSION } from "./support/constants";

const schema = loadAdminSchema(API_VERSION);
const documents = collectGraphQLDocuments(`${PROJECT_ROOT}/app`);

describe(`every Admin GraphQL operation in app/ is valid against Shopify's Admin API ${API_VERSION}`, () => {
  it("finds the operations", () => {
    expect(documents.map((d) => d.file)).toContain("app/shopify/shop-details.server.ts");
  });

  it.each(documents.map((d) => [`${d.file}:${d.line}`, d] as const))("%s", (_where, document) => {
    expect(document.source, "documents must be static: no ${…} inside a #graphql literal").not.toContain("${");
    const errors = validate(schema, parse(document.source)).map((error) => error.message);
    expect(errors).toEqual([]);
  });

  it("rejects a field Shopify does not have (the check above can fail)", () => {
    const errors = validate(schema, parse("query { shop { name loyaltyPointsBalance } }"));
    expect(errors.map((e) => e.message)).toEqual([`Cannot query field "loyaltyPointsBalance" on type "Shop".`]);
  });
});
