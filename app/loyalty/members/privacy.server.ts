import { forgetCustomerDeliveries } from "~/db/inbox.server";
import type { Prisma } from "@prisma/client";
import { eraseDonorCustomer } from "~/loyalty/giving/giving.server";
import { eraseSurveyText } from "~/loyalty/surveys/surveys.server";
import { fromBigInt } from "~/db/bigint";
import { keyedHash } from "~/loyalty/points/keyed-hash.server";
import { eraseEmailFromCampaigns } from "~/loyalty/campaigns/campaigns.server";
import { eraseEmailFromImports, erasePersonFromImportRecords } from "./import.server";

type Tx = Prisma.TransactionClient;

/** Everything Tally holds on one shopper of one shop: the answer to a data request. */
export async function exportCustomerData(tx: Tx, shopId: string, shopifyCustomerId: string) {
  const member = await tx.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId } },
    include: {
      ledgerEntries: { orderBy: { createdAt: "asc" } },
      pointLots: { orderBy: { createdAt: "asc" } },
      orders: { orderBy: { createdAt: "asc" } },
      redemptions: { orderBy: { createdAt: "asc" } },
      badges: { orderBy: { earnedAt: "asc" } },
      completions: { orderBy: { createdAt: "asc" } },
      campaignAwards: {
        orderBy: { createdAt: "asc" },
        include: { campaign: { select: { name: true, message: true } } },
      },
      offers: { orderBy: { startsAt: "asc" } },
      membershipTerms: { orderBy: { startedAt: "asc" } },
      membershipGrants: { orderBy: { paidAt: "asc" } },
      paidMembership: true,
      surveyAnswers: { orderBy: { createdAt: "asc" } },
      donations: { orderBy: { donatedAt: "asc" } },
      pointsDonations: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!member) return { shopifyCustomerId, member: null };
  const {
    ledgerEntries,
    pointLots,
    orders,
    redemptions,
    badges,
    completions,
    campaignAwards,
    offers,
    membershipTerms,
    membershipGrants,
    paidMembership,
    surveyAnswers,
    donations,
    pointsDonations,
    ...profile
  } = member;
  return {
    shopifyCustomerId,
    member: {
      email: profile.email,
      firstName: profile.firstName,
      lastName: profile.lastName,
      phone: profile.phone,
      birthday: profile.birthday?.toISOString().slice(0, 10) ?? null,
      balance: fromBigInt(profile.balance),
      pending: fromBigInt(profile.pending),
      memberSince: profile.createdAt.toISOString(),
      leaderboard: { optedIn: profile.leaderboardOptIn, nickname: profile.leaderboardName },
    },
    ledger: ledgerEntries.map((entry) => ({
      at: entry.createdAt.toISOString(),
      kind: entry.kind,
      points: fromBigInt(entry.delta),
      cause: entry.idempotencyKey,
      reason: entry.reason,
    })),
    pointLots: pointLots.map((lot) => ({
      points: fromBigInt(lot.amount),
      remaining: fromBigInt(lot.remaining),
      availableAt: lot.availableAt.toISOString(),
      expiresAt: lot.expiresAt?.toISOString() ?? null,
      source: lot.source,
    })),
    orders: orders.map((order) => ({
      order: order.name,
      email: order.email,
      placedAt: order.placedAt?.toISOString() ?? null,
      pointsEarned: fromBigInt(order.pointsEarned),
    })),
    redemptions: redemptions.map((redemption) => ({
      code: redemption.code,
      points: fromBigInt(redemption.pointsSpent),
      status: redemption.status,
      at: redemption.createdAt.toISOString(),
    })),
    badges: badges.map((badge) => ({ badge: badge.badgeId, icon: badge.icon, earnedAt: badge.earnedAt.toISOString() })),
    challengesCompleted: completions.map((completion) => ({
      challenge: completion.challengeId,
      completedAt: completion.completedAt.toISOString(),
      points: completion.points,
      undone: completion.reversedAt !== null,
    })),
    campaignGifts: campaignAwards.map((award) => ({
      campaign: award.campaign.name,
      message: award.campaign.message,
      points: award.points,
      at: award.createdAt.toISOString(),
      seen: award.seenAt !== null,
    })),
    offers: offers.map((offer) => ({
      kind: offer.kind,
      multiplier: offer.multiplier,
      startsAt: offer.startsAt.toISOString(),
      endsAt: offer.endsAt.toISOString(),
    })),
    // What they gave: round-ups at checkout (amounts in minor units) and points given to causes.
    donations: [
      ...donations.map((donation) => ({
        cause: donation.causeId,
        order: donation.shopifyOrderId,
        amountCents: fromBigInt(donation.amountCents),
        currencyCode: donation.currencyCode,
        at: donation.donatedAt.toISOString(),
      })),
      ...pointsDonations.map((donation) => ({
        cause: donation.causeId,
        points: donation.points,
        amountCents: fromBigInt(donation.valueCents),
        currencyCode: donation.currencyCode,
        at: donation.createdAt.toISOString(),
      })),
    ],
    surveys: surveyAnswers.map((answer) => ({
      survey: answer.surveyId,
      order: answer.shopifyOrderId,
      score: answer.score,
      answers: answer.answers,
      comment: answer.comment,
      at: answer.createdAt.toISOString(),
    })),
    // The paid membership: what each membership order bought, the memberships they made, and the current one.
    membership: {
      current: paidMembership && {
        planId: paidMembership.planId,
        status: paidMembership.status,
        startedAt: paidMembership.startedAt.toISOString(),
        paidThrough: paidMembership.paidThrough.toISOString(),
      },
      terms: membershipTerms.map((term) => ({
        planId: term.planId,
        startedAt: term.startedAt.toISOString(),
        paidThrough: term.paidThrough.toISOString(),
      })),
      orders: membershipGrants.map((grant) => ({
        order: grant.shopifyOrderId,
        planId: grant.planId,
        paidAt: grant.paidAt.toISOString(),
        units: grant.quantity,
      })),
    },
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
 * Erases what identifies a shopper in one shop: the member's profile, the free-text reasons on
 * their ledger and in their queued Flow events, the email and name on their orders (on any order
 * Shopify names, and on guest orders placed with their email), their row in a members file not yet
 * imported and an import's file name or errors naming them. The member row and its ledger stay,
 * under the row's anonymous id (every key derived from the shopper uses that id), so the shop's
 * points still add up.
 */
export async function erasePersonalData(
  tx: Tx,
  shopId: string,
  shopifyCustomerId: string,
  options: { ordersToRedact?: string[]; email?: string | null; mark: { redactedAt: Date } | { deletedAt: Date } },
) {
  const member = await tx.member.findUnique({
    where: { shopId_shopifyCustomerId: { shopId, shopifyCustomerId } },
    select: { id: true, email: true, firstName: true, lastName: true },
  });
  const emails = [
    ...new Set([member?.email, options.email].filter((e): e is string => !!e).map((e) => e.trim().toLowerCase())),
  ];
  for (const email of emails) {
    await eraseEmailFromImports(tx, shopId, email);
    await eraseEmailFromCampaigns(tx, shopId, email);
  }
  await erasePersonFromImportRecords(tx, shopId, [...emails, member?.firstName, member?.lastName]);
  await tx.order.updateMany({
    where: {
      shopId,
      OR: [
        { shopifyCustomerId },
        ...(member ? [{ memberId: member.id }] : []),
        { shopifyOrderId: { in: options.ordersToRedact ?? [] } },
        // Guest checkouts: no customer, but their email.
        ...emails.map((email) => ({ email: { equals: email, mode: "insensitive" as const } })),
      ],
    },
    data: { email: null, name: null, shopifyCustomerId: null },
  });
  // As a referred friend: the referral stays for the referrer's account, without who the friend was.
  await tx.$executeRaw`
    UPDATE "Referral" SET "refereeCustomerId" = 'redacted:' || id, "addressKey" = NULL
     WHERE "shopId" = ${shopId} AND "refereeCustomerId" = ${shopifyCustomerId}`;
  await eraseSurveyText(
    tx,
    shopId,
    { shopifyCustomerId, memberId: member?.id ?? null, orders: options.ordersToRedact ?? [] },
    "redactedAt" in options.mark ? options.mark.redactedAt : options.mark.deletedAt,
  );
  await eraseDonorCustomer(tx, shopId, { shopifyCustomerId, orders: options.ordersToRedact ?? [] });
  if (!member) return;
  // As a referrer: the link stops working (the referrals job deletes its Shopify discount).
  await tx.member.update({
    where: { id: member.id },
    data: {
      shopifyCustomerId: null,
      email: null,
      firstName: null,
      lastName: null,
      phone: null,
      birthday: null,
      referralCode: null,
      addressKeys: [],
      // Off the leaderboard, and the nickname they chose is gone.
      leaderboardOptIn: false,
      leaderboardName: null,
      ...options.mark,
    },
  });
  // Badges are the shopper's profile; their challenge completions stay with the ledger they explain.
  await tx.memberBadge.deleteMany({ where: { memberId: member.id } });
  // Reasons are free text a merchant typed and may name the shopper.
  await tx.ledgerEntry.updateMany({ where: { memberId: member.id }, data: { reason: null } });
  // Flow events carry that reason too; one not yet sent is dropped anyway (no customer to name).
  await tx.$executeRaw`
    UPDATE "OutboxTask" SET payload = payload - 'fields'
     WHERE "shopId" = ${shopId} AND topic = 'flow_trigger' AND payload->>'memberId' = ${member.id}`;
}

/** How the compliance trail names an erased customer. */
export const complianceCustomerKey = (shopifyCustomerId: string) =>
  `hmac:${keyedHash(`customer|${shopifyCustomerId}`)}`;

export async function redactCustomer(
  tx: Tx,
  shop: { id: string | null; domain: string },
  request: { shopifyCustomerId: string; ordersToRedact: string[]; email?: string | null },
) {
  if (shop.id) {
    await erasePersonalData(tx, shop.id, request.shopifyCustomerId, {
      ordersToRedact: request.ordersToRedact,
      email: request.email,
      mark: { redactedAt: new Date() },
    });
  }
  await forgetCustomerDeliveries(tx, shop.domain, request.shopifyCustomerId);
  // Earlier data-request exports hold the shopper's details too. The trail keeps only a keyed
  // hash of who asked: a later request for the same customer still finds it, nobody can read it.
  const customerKey = complianceCustomerKey(request.shopifyCustomerId);
  await tx.complianceRequest.updateMany({
    where: { shopDomain: shop.domain, shopifyCustomerId: request.shopifyCustomerId },
    data: { shopifyCustomerId: customerKey },
  });
  await tx.complianceRequest.updateMany({
    where: { shopDomain: shop.domain, shopifyCustomerId: customerKey, kind: "customers_data_request" },
    data: { export: { redacted: true } },
  });
  await tx.complianceRequest.create({
    data: {
      shopId: shop.id,
      shopDomain: shop.domain,
      kind: "customers_redact",
      shopifyCustomerId: customerKey,
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
