import type { Prisma } from "@prisma/client";
import type { z } from "zod";
import prisma from "~/db.server";
import type { LoadedShop } from "~/loyalty/program/program.server";
import { findInstalledShop } from "~/loyalty/program/shops.server";
import { deliverySeen, parsePayload, processDeliveryOnce, receiveWebhook } from "~/shopify/webhooks.server";

/**
 * The whole edge of a shop webhook: authenticate, validate the payload, and run the effect with
 * the shop's program in the delivery's transaction. `prepare` runs after the duplicate check,
 * outside the transaction (Admin API look-ups, within the caller's budget). A delivery for a shop without Tally installed is recorded
 * and ignored.
 */
export async function handleShopWebhook<Schema extends z.ZodType, Prepared = undefined>(
  request: Request,
  topic: string,
  schema: Schema,
  effect: (
    tx: Prisma.TransactionClient,
    context: { shop: LoadedShop; payload: z.infer<Schema>; now: Date; prepared: Prepared },
  ) => Promise<unknown>,
  prepare?: (shop: LoadedShop, payload: z.infer<Schema>) => Promise<Prepared>,
): Promise<Response> {
  const delivery = await receiveWebhook(request, topic);
  const payload = parsePayload(schema, delivery.payload);
  const shop = await findInstalledShop(prisma, delivery.shop);
  // A retry of an applied delivery answers at once: no Admin API look-up for a duplicate.
  if (prepare && (await deliverySeen(delivery))) return new Response(null, { status: 200 });
  const prepared = (shop && prepare ? await prepare(shop, payload) : undefined) as Prepared;
  await processDeliveryOnce(delivery, async (tx) => {
    if (shop) await effect(tx, { shop, payload, now: new Date(), prepared });
  });
  return new Response(null, { status: 200 });
}
