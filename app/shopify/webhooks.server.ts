import type { Prisma } from "@prisma/client";
import type { z } from "zod";
import prisma from "~/db.server";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import { inTransaction } from "~/db/transaction.server";
import { NOW_UTC } from "~/db/clock.server";
import type { LoadedShop } from "~/loyalty/program.server";
import { findInstalledShop } from "./shops.server";
import { authenticate } from "~/shopify.server";

export interface WebhookDelivery {
  shop: string;
  topic: string;
  payload: unknown;
  webhookId: string;
  eventId: string | null;
  triggeredAt: Date | null;
  apiVersion: string | null;
}

/**
 * Authenticates a webhook exactly as Shopify signs it: non-POST → 405, bad or missing HMAC →
 * 401, missing headers → 400 (all thrown as Responses by Shopify's library).
 */
export async function receiveWebhook(request: Request): Promise<WebhookDelivery> {
  requireMethod(request, "POST");
  if (request.method === "POST" && !request.headers.get("x-shopify-hmac-sha256")) {
    throw Response.json({ error: "missing X-Shopify-Hmac-Sha256" }, { status: 401 });
  }
  const { shop, topic, payload } = await authenticate.webhook(request);
  const headers = request.headers;
  const webhookId = headers.get("x-shopify-webhook-id");
  if (!webhookId) throw Response.json({ error: "missing X-Shopify-Webhook-Id" }, { status: 400 });
  const triggeredAt = headers.get("x-shopify-triggered-at");
  return {
    shop,
    topic: String(topic),
    payload,
    webhookId,
    eventId: headers.get("x-shopify-event-id"),
    triggeredAt: triggeredAt && !Number.isNaN(Date.parse(triggeredAt)) ? new Date(triggeredAt) : null,
    apiVersion: headers.get("x-shopify-api-version"),
  };
}

/** Webhook routes take only POST: the loader's answer to GET. */
export const rejectNonPost = onlyMethods("POST");

/** A payload that does not match what Shopify sends is a 400, and nothing is written. */
export function parsePayload<Schema extends z.ZodType>(schema: Schema, payload: unknown): z.infer<Schema> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw Response.json(
      {
        error: "invalid_payload",
        issues: result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
      },
      { status: 400 },
    );
  }
  return result.data;
}

/**
 * Runs a webhook's effect and records its delivery in one transaction. A redelivery (same
 * X-Shopify-Webhook-Id) finds the record and does nothing; a crash before commit leaves no
 * record, so Shopify's retry runs the effect again.
 */
export async function processDeliveryOnce(
  delivery: WebhookDelivery,
  effect: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<"processed" | "duplicate"> {
  return inTransaction(prisma, async (tx) => {
    // One statement on every delivery: the shop's id rides on the insert.
    const count = await tx.$executeRaw`
      INSERT INTO "WebhookDelivery" (id, "shopId", "shopDomain", "webhookId", "eventId", topic, "apiVersion", "triggeredAt", "receivedAt")
      SELECT gen_random_uuid()::text, (SELECT id FROM "Shop" WHERE domain = ${delivery.shop}), ${delivery.shop}, ${delivery.webhookId},
             ${delivery.eventId}, ${delivery.topic}, ${delivery.apiVersion}, ${delivery.triggeredAt}, ${NOW_UTC}
      ON CONFLICT ("shopDomain", "webhookId") DO NOTHING`;
    if (count === 0) return "duplicate";
    await effect(tx);
    return "processed";
  });
}

/**
 * The whole edge of a shop webhook: authenticate, validate the payload, and run the effect with
 * the shop's program in the delivery's transaction. `prepare` runs first, outside the
 * transaction (Admin API look-ups). A delivery for a shop without Tally installed is recorded
 * and ignored.
 */
export async function handleShopWebhook<Schema extends z.ZodType, Prepared = undefined>(
  request: Request,
  schema: Schema,
  effect: (
    tx: Prisma.TransactionClient,
    context: { shop: LoadedShop; payload: z.infer<Schema>; now: Date; prepared: Prepared },
  ) => Promise<unknown>,
  prepare?: (shop: LoadedShop, payload: z.infer<Schema>) => Promise<Prepared>,
): Promise<Response> {
  const delivery = await receiveWebhook(request);
  const payload = parsePayload(schema, delivery.payload);
  const shop = await findInstalledShop(prisma, delivery.shop);
  const prepared = (shop && prepare ? await prepare(shop, payload) : undefined) as Prepared;
  await processDeliveryOnce(delivery, async (tx) => {
    if (shop) await effect(tx, { shop, payload, now: new Date(), prepared });
  });
  return new Response(null, { status: 200 });
}
