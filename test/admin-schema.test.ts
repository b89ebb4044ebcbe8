import { Kind, parse, validate, type OperationDefinitionNode } from "graphql";
import { queryCost } from "../sandbox/admin-api-double";
import { describe, expect, it } from "vitest";
import { collectGraphQLDocuments, loadAdminSchema, PROJECT_ROOT } from "../sandbox/admin-schema";
import { API_VERSION } from "./support/constants";

const schema = loadAdminSchema(API_VERSION);
const documents = collectGraphQLDocuments(`${PROJECT_ROOT}/app`);

describe(`every Admin GraphQL operation in app/ is valid against Shopify's Admin API ${API_VERSION}`, () => {
  it("finds the operations", () => {
    expect(documents.map((d) => d.file)).toContain("app/shopify/shop-details.server.ts");
    // The checklist's look at the published theme's app embeds (read_themes).
    expect(documents.map((d) => d.file)).toContain("app/shopify/themes.server.ts");
    // Points as store credit: the configuration, the credit (@idempotent) and the look-up before a retry.
    expect(documents.filter((d) => d.file === "app/shopify/store-credit.server.ts")).toHaveLength(3);
  });

  it.each(documents.map((d) => [`${d.file}:${d.line}`, d] as const))("%s", (_where, document) => {
    expect(document.source, "documents must be static: no ${…} inside a #graphql literal").not.toContain("${");
    const errors = validate(schema, parse(document.source)).map((error) => error.message);
    expect(errors).toEqual([]);
  });

  // Shopify refuses a query whose calculated cost is above 1000: list arguments at their largest.
  it.each(documents.map((d) => [`${d.file}:${d.line}`, d] as const))(
    "%s stays under the single-query cost limit",
    (_where, document) => {
      const operation = parse(document.source).definitions.find(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      )!;
      expect(queryCost(schema, operation, { ids: Array(8).fill("gid://shopify/Product/1") })).toBeLessThanOrEqual(1000);
    },
  );

  it("rejects a field Shopify does not have (the check above can fail)", () => {
    const errors = validate(schema, parse("query { shop { name loyaltyPointsBalance } }"));
    expect(errors.map((e) => e.message)).toEqual([`Cannot query field "loyaltyPointsBalance" on type "Shop".`]);
  });
});
