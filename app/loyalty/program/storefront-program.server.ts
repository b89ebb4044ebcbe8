import type { PrismaClient } from "@prisma/client";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { setStorefrontProgram } from "~/shopify/shop-metafields.server";
import type { Program } from "./program";
import { storefrontProgram } from "./storefront-program";

/**
 * After a save: the storefront's copy of the program (the shop metafield the theme's Liquid reads).
 * The save stands whatever Shopify answers; a failed write is logged and the next save writes again.
 */
export async function publishStorefrontProgram(db: PrismaClient, shopDomain: string, program: Program) {
  try {
    await setStorefrontProgram(await AdminGateway.forShop(db, shopDomain), storefrontProgram(program));
  } catch (error) {
    console.error(
      JSON.stringify({ event: "storefront_program.not_published", shop: shopDomain, error: String(error) }),
    );
  }
}
