import type { PrismaClient } from "@prisma/client";
import { AdminGateway, type AdminGatewayOptions } from "~/shopify/admin-gateway.server";
import { setStorefrontProgram } from "~/shopify/shop-metafields.server";
import type { Program } from "./program";
import { storefrontProgram } from "./storefront-program";

/**
 * Writes the storefront's copy of the program (the shop metafield the theme's Liquid reads).
 * `program` is the program as shoppers may see it — billing's `programForStorefront` decides that
 * (off without an active plan); this layer cannot ask billing. Throws what Shopify throws.
 */
export async function writeStorefrontProgram(
  db: PrismaClient,
  shopDomain: string,
  program: Program,
  gatewayOptions?: AdminGatewayOptions,
) {
  // The round-up is offered in the shop's currency only (its variant costs one minor unit of it).
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { currencyCode: true } });
  await setStorefrontProgram(
    await AdminGateway.forShop(db, shopDomain, gatewayOptions),
    storefrontProgram(program, shop?.currencyCode ?? null),
  );
}

/**
 * After a save: the storefront's copy written at once. The save stands whatever Shopify answers; a
 * failed write is logged and the next save (or plan change) writes again.
 */
export async function publishStorefrontProgram(db: PrismaClient, shopDomain: string, program: Program) {
  try {
    await writeStorefrontProgram(db, shopDomain, program);
  } catch (error) {
    console.error(
      JSON.stringify({ event: "storefront_program.not_published", shop: shopDomain, error: String(error) }),
    );
  }
}
