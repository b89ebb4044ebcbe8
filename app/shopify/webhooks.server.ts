import type { Prisma } from "@prisma/client";
import type { z } from "zod";
import prisma from "~/db.server";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import { inTransaction } from "~/db/transaction.server";
import { NOW_UTC } from "~/db/clock.server";
import { matchesShopifyShopId } from "./shops.server";
import { signedByShopify } from "./hmac.server";
import { isShopDomain } from "./shop-domain";

export interface WebhookDelivery {
  shop: string;
  topic: string;
  payload: unknown;
  /** The body as Shopify sent it (the inbox keeps it so). */
  body: string;
  webhookId: string;
  eventId: string | null;
  triggeredAt: Date | null;
  apiVersion: string;
}

/** A webhook as it arrived, whichever server read it: its headers and its raw body. */
export interface RawWebhook {
  header(name: string): string | null;
  body: Buffer;
}

/** Reads a webhook from Remix's request (non-POST → 405) and checks it as `receiveRawWebhook` does. */
export async function receiveWebhook(request: Request, routeTopic: string): Promise<WebhookDelivery> {
  requireMethod(request, "POST");
  const body = Buffer.from(await request.arrayBuffer());
  return receiveRawWebhook({ header: (name) => request.headers.get(name), body }, routeTopic);
}

/**
 * Authenticates a webhook exactly as Shopify signs it, and ties the signed body to this route:
 * bad or missing HMAC → 401, a shop header that is not a shop's domain → 400, a missing webhook id
 * or API version → 400, a body that is not JSON → 400, a topic header other than the route's → 400,
 * a payload that names another shop → 400. Shopify's HMAC covers the body only, so a captured
 * body replayed under another route, topic or shop is refused here and writes nothing.
 */
export async function receiveRawWebhook(raw: RawWebhook, routeTopic: string): Promise<WebhookDelivery> {
  const signature = raw.header("x-shopify-hmac-sha256");
  if (!signature) throw Response.json({ error: "missing X-Shopify-Hmac-Sha256" }, { status: 401 });
  const shop = raw.header("x-shopify-shop-domain") ?? "";
  if (!isShopDomain(shop)) throw Response.json({ error: "invalid X-Shopify-Shop-Domain" }, { status: 400 });
  if (!signedByShopify(raw.body, signature)) throw Response.json({ error: "invalid_signature" }, { status: 401 });
  const topic = raw.header("x-shopify-topic");
  if (topic !== routeTopic) throw Response.json({ error: "topic_mismatch", expected: routeTopic }, { status: 400 });
  const webhookId = raw.header("x-shopify-webhook-id");
  if (!webhookId) throw Response.json({ error: "missing X-Shopify-Webhook-Id" }, { status: 400 });
  const apiVersion = raw.header("x-shopify-api-version");
  if (!apiVersion) throw Response.json({ error: "missing X-Shopify-Api-Version" }, { status: 400 });
  const body = raw.body.toString("utf8");
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    throw Response.json({ error: "invalid_json" }, { status: 400 });
  }
  const namedShop = payloadShopDomain(payload);
  if (namedShop !== undefined && namedShop !== shop) {
    throw Response.json({ error: "shop_mismatch" }, { status: 400 });
  }
  // A body naming the domain too is Shopify's word that this id is the shop's: it teaches it.
  const namedShopId = payloadShopId(topic, payload);
  if (namedShopId && !(await matchesShopifyShopId(prisma, shop, namedShopId, namedShop === shop))) {
    throw Response.json({ error: "shop_mismatch" }, { status: 400 });
  }
  const triggeredAt = raw.header("x-shopify-triggered-at");
  return {
    shop,
    topic,
    payload,
    body,
    webhookId,
    eventId: raw.header("x-shopify-event-id"),
    triggeredAt: triggeredAt && !Number.isNaN(Date.parse(triggeredAt)) ? new Date(triggeredAt) : null,
    apiVersion,
  };
}

/**
 * The shop a payload names, where it names one: `shop_domain` on the compliance topics,
 * `myshopify_domain` on app/uninstalled (the shop object). Both are covered by the HMAC.
 */
function payloadShopDomain(payload: unknown): unknown {
  if (!payload || typeof payload !== "object") return undefined;
  const named = payload as { shop_domain?: unknown; myshopify_domain?: unknown };
  return named.shop_domain ?? named.myshopify_domain ?? undefined;
}

/**
 * Shopify's id of the shop a payload names, where it names one: `shop_id` (a number on the
 * compliance topics, a GID on app/scopes_update), or the shop object's `id` on app/uninstalled.
 */
function payloadShopId(topic: string, payload: unknown): string | undefined {
  if (!payload || typeof payload !== "object") return undefined;
  const named = payload as { shop_id?: unknown; id?: unknown };
  const id = named.shop_id ?? (topic === "app/uninstalled" ? named.id : undefined);
  if (typeof id !== "number" && typeof id !== "string") return undefined;
  const shopId = /^(?:gid:\/\/shopify\/Shop\/)?(\d{1,20})$/.exec(String(id))?.[1];
  if (!shopId)
    throw Response.json(
      { error: "invalid_payload", issues: [{ path: "shop_id", message: "not a shop id" }] },
      { status: 400 },
    );
  return shopId;
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
 * Runs a webhook's effect and records its delivery in one transaction: the rare topics (compliance,
 * billing, the app's own) that do not go through the inbox. A redelivery (same
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
      INSERT INTO "WebhookDelivery" (id, "shopId", "shopDomain", "webhookId", "eventId", topic, "apiVersion", "triggeredAt", "receivedAt", "appliedAt")
      SELECT gen_random_uuid()::text, (SELECT id FROM "Shop" WHERE domain = ${delivery.shop}), ${delivery.shop}, ${delivery.webhookId},
             ${delivery.eventId}, ${delivery.topic}, ${delivery.apiVersion}, ${delivery.triggeredAt}, ${NOW_UTC}, ${NOW_UTC}
      ON CONFLICT ("shopDomain", "webhookId") DO NOTHING`;
    if (count === 0) return "duplicate";
    await effect(tx);
    return "processed";
  });
}
