import type { AdminGateway } from "./admin-gateway.server";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

/**
 * The shop metafield the theme app extension's Liquid reads the program from
 * (`shop.metafields.tally.program.value`), declared nowhere else: Liquid reads any shop metafield.
 */
export const STOREFRONT_PROGRAM_METAFIELD = { namespace: "tally", key: "program" } as const;

const StorefrontProgramQuery = adminOperation(`#graphql
  query StorefrontProgram {
    shop {
      id
      metafield(namespace: "tally", key: "program") { value }
    }
  }
`);

const SetStorefrontProgram = adminOperation(`#graphql
  mutation SetStorefrontProgram($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      userErrors { field message code }
    }
  }
`);

/** Writes the program the storefront reads (JSON) to the shop's `tally.program` metafield. */
export async function setStorefrontProgram(admin: AdminGateway, program: unknown): Promise<void> {
  const { shop }: Admin.StorefrontProgramQuery = await admin.request(StorefrontProgramQuery);
  await admin.mutate(
    SetStorefrontProgram,
    {
      metafields: [{ ownerId: shop.id, ...STOREFRONT_PROGRAM_METAFIELD, type: "json", value: JSON.stringify(program) }],
    },
    (data) => data.metafieldsSet,
  );
}

/** The shop's `tally.program` metafield, parsed; null when it was never written. */
export async function readStorefrontProgram(admin: AdminGateway): Promise<unknown> {
  const { shop }: Admin.StorefrontProgramQuery = await admin.request(StorefrontProgramQuery);
  return shop.metafield ? (JSON.parse(shop.metafield.value) as unknown) : null;
}
