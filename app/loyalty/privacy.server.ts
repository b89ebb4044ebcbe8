import type { Prisma } from "@prisma/client";

type Tx = Prisma.TransactionClient;

/** Everything Tally holds on one shopper of one shop: the answer to a data request. */
export async function exportCustomerData(tx: Tx, shopId: string, shopifyCustomerId: string) {
  const member = await tx.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId } },
    include: {
      ledgerEntries: { orderBy: { createdAt: "asc" } },
      pointLots: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!member) return { shopifyCustomerId, member: null };
  const { ledgerEntries, pointLots, ...profile } = member;
  return {
    shopifyCustomerId,
    member: {
      email: profile.email,
      firstName: profile.firstName,
      lastName: profile.lastName,
      phone: profile.phone,
      birthday: profile.birthday?.toISOString().slice(0, 10) ?? null,
      balance: profile.balance,
      pending: profile.pending,
      memberSince: profile.createdAt.toISOString(),
    },
    ledger: ledgerEntries.map((entry) => ({
      at: entry.createdAt.toISOString(),
      kind: entry.kind,
      points: entry.delta,
      cause: entry.idempotencyKey,
      reason: entry.reason,
    })),
    pointLots: pointLots.map((lot) => ({
      points: lot.amount,
      remaining: lot.remaining,
      availableAt: lot.availableAt.toISOString(),
      expiresAt: lot.expiresAt?.toISOString() ?? null,
      source: lot.source,
    })),
  };
}

export async function recordDataRequest(
  tx: Tx,
  shop: { id: string | null; domain: string },
  request: { shopifyCustomerId: string; ordersRequested: string[] },
) {
  const data = shop.id ? await exportCustomerData(tx, shop.id, request.shopifyCustomerId) : null;
  return tx.complianceRequest.create({
    data: {
      shopId: shop.id,
      shopDomain: shop.domain,
      kind: "customers_data_request",
      shopifyCustomerId: request.shopifyCustomerId,
      ordersRequested: request.ordersRequested,
      export: data ?? { shopifyCustomerId: request.shopifyCustomerId, member: null },
    },
  });
}

/**
 * Erases what identifies the shopper. The member row and its ledger stay, under the row's own
 * anonymous id, so the shop's points liability and history still add up.
 */
export async function redactCustomer(
  tx: Tx,
  shop: { id: string | null; domain: string },
  request: { shopifyCustomerId: string; ordersToRedact: string[] },
) {
  if (shop.id) {
    const member = await tx.member.findUnique({
      where: { shopId_shopifyCustomerId: { shopId: shop.id, shopifyCustomerId: request.shopifyCustomerId } },
      select: { id: true },
    });
    if (member) {
      await tx.member.update({
        where: { id: member.id },
        data: {
          shopifyCustomerId: null,
          email: null,
          firstName: null,
          lastName: null,
          phone: null,
          birthday: null,
          redactedAt: new Date(),
        },
      });
      // Reasons are free text a merchant typed and may name the shopper.
      await tx.ledgerEntry.updateMany({ where: { memberId: member.id }, data: { reason: null } });
    }
  }
  // Earlier data-request exports hold the shopper's details too.
  await tx.complianceRequest.updateMany({
    where: { shopDomain: shop.domain, shopifyCustomerId: request.shopifyCustomerId, kind: "customers_data_request" },
    data: { export: { redacted: true } },
  });
  await tx.complianceRequest.create({
    data: {
      shopId: shop.id,
      shopDomain: shop.domain,
      kind: "customers_redact",
      shopifyCustomerId: request.shopifyCustomerId,
      ordersRequested: request.ordersToRedact,
    },
  });
}

/** 48 hours after uninstall Shopify asks for everything to go: sessions, program, members, ledger. */
export async function deleteShopData(tx: Tx, shopDomain: string) {
  await tx.session.deleteMany({ where: { shop: shopDomain } });
  await tx.webhookDelivery.deleteMany({ where: { shopDomain } });
  await tx.complianceRequest.deleteMany({ where: { shopDomain } });
  await tx.shop.deleteMany({ where: { domain: shopDomain } });
  // The one thing kept: that the erasure happened, for the merchant's audit.
  await tx.complianceRequest.create({ data: { shopDomain, kind: "shop_redact" } });
}
