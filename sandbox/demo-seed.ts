import { pointsApplied } from "./deliveries";
import type { PrismaClient } from "@prisma/client";
import { decode } from "turbo-stream";
import { createCampaign, runCampaigns } from "../app/loyalty/campaigns/campaigns.server";
import { grantWinBackOffers } from "../app/loyalty/offers/offers.server";
import { hashPartnerKey, partnerKeyId } from "../app/loyalty/partners/keys.server";
import { loadShop } from "../app/loyalty/program/program.server";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import type { AdminApiDouble, DoubleCustomer } from "./admin-api-double";
import { paidOrderPayload } from "./demo-orders";
import { appProxyQuery, mintSessionToken, signedWebhookRequest } from "./signing";

/** A reward a single demo order pays for (an order of 120 earns 120 points), beside the default 500-point one. */
export const DEMO_STARTER_REWARD = { id: "1-off", name: "1 off", type: "fixed_amount", pointsCost: 100, amount: 1 };
/**
 * A VIP tier with perks at checkout (no code: a customer segment and automatic discounts Tally
 * keeps in Shopify), reached with the seed order's 500 points: the admin's tier page shows each
 * perk's status in Shopify, and Ava's account block her perks.
 */
export const DEMO_VIP_TIER = {
  id: "gold",
  name: "Gold",
  threshold: 500,
  earnMultiplier: 1,
  entryBonusPoints: 0,
  perks: { percentageOff: { percentage: 10 }, freeShipping: { minimumSubtotal: 50 } },
};
/** Points as Shopify store credit: the demo's 500 seed points convert to 5.00 of credit in the storefront preview. */
export const DEMO_STORE_CREDIT_REWARD = {
  id: "store-credit",
  name: "Store credit",
  type: "store_credit",
  pointsPerStep: 100,
  amountPerStep: 1,
  minPoints: 100,
  maxPoints: 5000,
  creditExpiryDays: null,
};
/**
 * Actions beside orders: one shoppers claim themselves from its link (the storefront preview's
 * launcher and account block, the customer account's Rewards page), and one Tally awards when
 * Shopify says the customer subscribed to email marketing.
 */
export const DEMO_ACTIONS = [
  {
    key: "instagram",
    name: "Follow us on Instagram",
    translations: { fr: { name: "Suivez-nous sur Instagram" } },
    points: 50,
    limitPerCustomer: 1,
    limitPerDay: null,
    claimable: true,
    url: "https://www.instagram.com/shopify/",
    verifiedBy: null,
  },
  {
    key: "newsletter",
    name: "Join our newsletter",
    points: 100,
    limitPerCustomer: 1,
    limitPerDay: null,
    claimable: false,
    url: null,
    verifiedBy: "newsletter",
  },
];
/**
 * Challenges, a milestone and the leaderboard (docs/engagement.md): the seed order is the first of
 * "Come back soon", so the storefront preview and the customer account show "1 of 2 orders" with
 * the days left, the "First order" badge earned, and the demo customer on the month's leaderboard.
 */
export const DEMO_ENGAGEMENT = {
  challenges: [
    {
      id: "come-back",
      name: "Come back soon",
      description: "Order twice within 30 days",
      translations: { fr: { name: "Revenez vite", description: "Commandez deux fois en 30 jours" } },
      goal: { type: "orders", count: 2, withinDays: 30 },
      reward: { type: "points", points: 100 },
      badge: "comeback",
    },
    {
      id: "three-months",
      name: "Three months in a row",
      description: "An order in each of three consecutive months",
      goal: { type: "streak", period: "month", count: 3 },
      reward: { type: "points", points: 300 },
      badge: "flame",
    },
  ],
  milestones: [
    { id: "first-order", name: "First order", metric: "orders", threshold: 1, badge: "star" },
    { id: "big-fan", name: "Big fan", metric: "lifetime_points", threshold: 2000, badge: "crown" },
  ],
  leaderboard: { enabled: true, size: 10 },
};

/** Win-back offers: a member who has not ordered for 60 days earns double points for 14 days. */
export const DEMO_WIN_BACK = { enabled: true, inactiveDays: 60, multiplier: 2, durationDays: 14 };
/** A double-points event for Gold members only, from tomorrow for three days (the admin's program page shows it). */
export function demoGoldEvent(now = new Date()) {
  const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return {
    name: "Gold double days",
    startsAt: tomorrow.toISOString(),
    endsAt: new Date(tomorrow.getTime() + 3 * 86_400_000).toISOString(),
    multiplier: 2,
    tierIds: [DEMO_VIP_TIER.id],
    segmentId: null,
  };
}
/** The second sandbox customer's last order, three months ago: the demo's lapsed member, who gets a win-back offer. */
export const DEMO_LAPSED_ORDER = { id: 4_990_000_002, subtotal: "60.00", daysAgo: 90 };

/** The first sandbox customer's paid order the demo starts with: 500 points, enough for the default reward. */
export const DEMO_SEED_ORDER = { id: 4_990_000_001, subtotal: "500.00" };

interface DemoApp {
  appUrl: string;
  shop: string;
  apiKey: string;
  apiSecret: string;
  currencyCode: string;
}

const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Tally demo";

/**
 * The demo's seed, so a redemption can be shown at once. Through the app's own doors, as the
 * merchant and Shopify would: the starter and store credit rewards, a VIP tier with perks and
 * the demo's actions (DEMO_ACTIONS) added to the program by the admin API (only
 * while the program was never saved, so the merchant's own edits stay), and a paid order for
 * `customer` as Shopify's signed orders/paid webhook (its ledger entry is keyed by the order:
 * sending it again on every start changes nothing). With the Admin API double, the plan is
 * approved too (billing on), as the merchant would on Shopify's page: shoppers see the program.
 */
export async function seedDemoShop(app: DemoApp, customer: DoubleCustomer, double?: AdminApiDouble): Promise<void> {
  const token = await mintSessionToken({ shop: app.shop, apiKey: app.apiKey, apiSecret: app.apiSecret });
  const headers = { Authorization: `Bearer ${token}`, "User-Agent": USER_AGENT, "Content-Type": "application/json" };
  const current = await fetch(`${app.appUrl}/api/program`, { headers });
  if (!current.ok) throw new Error(`The demo could not read its program: HTTP ${current.status}`);
  const { program, revision } = (await current.json()) as {
    program: {
      rewards: unknown[];
      tiers: { levels: unknown[] };
      earning: { customActions: unknown[]; bonusEvents: unknown[] };
      engagement: { challenges: unknown[]; milestones: unknown[]; leaderboard: { enabled: boolean } };
      offers: { winBack: unknown };
    };
    revision: number;
  };
  // A program saved before challenges existed gets the demo's too (never one the merchant set up).
  const engagementUntouched =
    !program.engagement.challenges.length &&
    !program.engagement.milestones.length &&
    !program.engagement.leaderboard.enabled;
  if (engagementUntouched) program.engagement = DEMO_ENGAGEMENT;
  if (revision === 0) {
    program.rewards.push(DEMO_STARTER_REWARD, DEMO_STORE_CREDIT_REWARD);
    if (!program.tiers.levels.length) program.tiers.levels.push(DEMO_VIP_TIER);
    if (!program.earning.customActions.length) program.earning.customActions.push(...DEMO_ACTIONS);
    program.offers.winBack = DEMO_WIN_BACK;
    if (!program.earning.bonusEvents.length) program.earning.bonusEvents.push(demoGoldEvent());
    const saved = await fetch(`${app.appUrl}/api/program`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ program, revision }),
    });
    if (!saved.ok) throw new Error(`The demo could not save its program: HTTP ${saved.status} ${await saved.text()}`);
  } else if (engagementUntouched) {
    const saved = await fetch(`${app.appUrl}/api/program`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ program, revision }),
    });
    if (!saved.ok) throw new Error(`The demo could not add its challenges: HTTP ${saved.status} ${await saved.text()}`);
  }

  if (double) await approveDemoPlan(app, headers, double);

  const payload = paidOrderPayload({ ...DEMO_SEED_ORDER, customer, currencyCode: app.currencyCode });
  const request = signedWebhookRequest(
    `${app.appUrl}/webhooks/orders/paid`,
    { topic: "orders/paid", shop: app.shop, payload, apiVersion: ADMIN_API_VERSION },
    app.apiSecret,
  );
  const paid = await fetch(request.url, request.init);
  if (!paid.ok) throw new Error(`The demo's seed order was refused: HTTP ${paid.status} ${await paid.text()}`);
  await pointsApplied(app, customer.id);

  // The demo customer joins the month's leaderboard, as a shopper would from the storefront.
  const query = appProxyQuery({ shop: app.shop, customerId: customer.id }, app.apiSecret);
  const joined = await fetch(`${app.appUrl}/proxy/leaderboard?${query}`, {
    method: "POST",
    headers: { "User-Agent": USER_AGENT, "Content-Type": "application/json" },
    body: JSON.stringify({ optIn: true }),
  });
  if (!joined.ok) throw new Error(`The demo customer could not join the leaderboard: HTTP ${joined.status}`);
}

/** The paid membership's product in the sandbox shop: one variant per plan (as the membership page makes it). */
export const DEMO_MEMBERSHIP_PRODUCT = {
  id: 7_390_100_000,
  handle: "members-club",
  monthlyVariantId: 7_390_100_001,
  yearlyVariantId: 7_390_100_002,
};
/** A paid membership, 9.00 a month or 79.00 a year: double points, a join bonus, free shipping (docs/membership.md). */
export const DEMO_MEMBERSHIP = {
  enabled: true,
  name: "Members' club",
  plans: [
    {
      id: "monthly",
      name: "Monthly",
      interval: "month",
      intervalCount: 1,
      price: 9,
      variantId: String(DEMO_MEMBERSHIP_PRODUCT.monthlyVariantId),
      productHandle: DEMO_MEMBERSHIP_PRODUCT.handle,
    },
    {
      id: "yearly",
      name: "Yearly",
      interval: "year",
      intervalCount: 1,
      price: 79,
      variantId: String(DEMO_MEMBERSHIP_PRODUCT.yearlyVariantId),
      productHandle: DEMO_MEMBERSHIP_PRODUCT.handle,
    },
  ],
  graceDays: 7,
  endingSoonDays: 7,
  perks: {
    earnMultiplier: 2,
    stacksWithTier: false,
    joinBonusPoints: 200,
    renewalBonusPoints: 50,
    discounts: { percentageOff: null, freeShipping: { minimumSubtotal: null } },
    tag: "Tally member",
  },
};
/** Liam bought the yearly plan a month ago. */
export const DEMO_MEMBERSHIP_ORDER = { id: 5_000_000_003, subtotal: "79.00", daysAgo: 30 };

/**
 * The paid membership (docs/membership.md): its product in the Admin API double (the double starts
 * empty on every run; the ids are fixed, so the program's plans keep matching), the offer in the
 * program while it has no plans (never one the merchant set up), and `customer`'s yearly plan
 * bought a month ago, as Shopify's signed webhook (once: the grant is keyed by the order line).
 */
export async function seedDemoMembership(app: DemoApp, customer: DoubleCustomer, double: AdminApiDouble) {
  const shopify = double.shop(app.shop);
  const product = DEMO_MEMBERSHIP_PRODUCT;
  if (!(shopify.products ?? []).some((candidate) => candidate.id === product.id)) {
    const variant = (id: number, title: string, price: string, planId: string) => ({
      id,
      title,
      price,
      sku: `tally-membership-${planId}`,
      taxable: true,
      requiresShipping: false,
      tracked: false,
    });
    (shopify.products ??= []).push({
      id: product.id,
      title: DEMO_MEMBERSHIP.name,
      handle: product.handle,
      status: "UNLISTED",
      tags: ["tally-membership"],
      productType: "Membership",
      collectionIds: [],
      options: [{ name: "Plan", values: ["Monthly", "Yearly"] }],
      variants: [
        variant(product.monthlyVariantId, "Monthly", "9.00", "monthly"),
        variant(product.yearlyVariantId, "Yearly", "79.00", "yearly"),
      ],
    });
  }
  const token = await mintSessionToken({ shop: app.shop, apiKey: app.apiKey, apiSecret: app.apiSecret });
  const headers = { Authorization: `Bearer ${token}`, "User-Agent": USER_AGENT, "Content-Type": "application/json" };
  const current = await fetch(`${app.appUrl}/api/program`, { headers });
  if (!current.ok) throw new Error(`The demo could not read its program: HTTP ${current.status}`);
  const { program, revision } = (await current.json()) as {
    program: { membership: { plans: unknown[] } };
    revision: number;
  };
  if (!program.membership.plans.length) {
    program.membership = DEMO_MEMBERSHIP;
    const saved = await fetch(`${app.appUrl}/api/program`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ program, revision }),
    });
    if (!saved.ok) throw new Error(`The demo could not add its membership: HTTP ${saved.status} ${await saved.text()}`);
  }
  const payload = paidOrderPayload({
    id: DEMO_MEMBERSHIP_ORDER.id,
    customer,
    subtotal: DEMO_MEMBERSHIP_ORDER.subtotal,
    currencyCode: app.currencyCode,
    processedAt: new Date(Date.now() - DEMO_MEMBERSHIP_ORDER.daysAgo * 86_400_000),
    variantId: product.yearlyVariantId,
  });
  const request = signedWebhookRequest(
    `${app.appUrl}/webhooks/orders/paid`,
    { topic: "orders/paid", shop: app.shop, payload, apiVersion: ADMIN_API_VERSION },
    app.apiSecret,
  );
  const paid = await fetch(request.url, request.init);
  if (!paid.ok) throw new Error(`The demo's membership order was refused: HTTP ${paid.status} ${await paid.text()}`);
  await pointsApplied(app, customer.id);
}

/** The round-up's donation product in the sandbox shop: one variant of one cent (docs/decisions/0028). */
export const DEMO_DONATION_PRODUCT = { id: 7_390_200_000, handle: "donation", variantId: 7_390_200_001 };
/** Two causes, the round-up to the next whole unit, points given at 100 a dollar, 10 points per dollar given (docs/giving.md). */
export const DEMO_GIVING = {
  enabled: true,
  causes: [
    {
      id: "ocean-cleanup",
      name: "Ocean Cleanup",
      description: "Every cent takes plastic out of the sea.",
      url: "https://example.org/ocean-cleanup",
      translations: {
        fr: { name: "Nettoyage des océans", description: "Chaque centime retire du plastique de la mer." },
      },
      startsAt: null,
      endsAt: null,
    },
    {
      id: "tree-planting",
      name: "Tree planting",
      description: "A tree for every dollar.",
      url: null,
      startsAt: null,
      endsAt: null,
    },
  ],
  defaultCauseId: "ocean-cleanup",
  roundUp: {
    enabled: true,
    rule: "next_unit",
    fixedAmounts: [1, 2, 5],
    productId: String(DEMO_DONATION_PRODUCT.id),
    variantId: String(DEMO_DONATION_PRODUCT.variantId),
    taxable: false,
  },
  points: { enabled: true, pointsPerUnit: 100, step: 100 },
  bonusPointsPerUnit: 10,
};
/** Zoe rounded 49.40 up to 50.00 for the ocean at checkout, a week ago. */
export const DEMO_ROUND_UP_ORDER = { id: 5_000_000_005, subtotal: "49.40", cents: 60, daysAgo: 7 };
/** Liam gave 200 of his points to the trees. */
export const DEMO_POINTS_DONATION = { causeId: "tree-planting", points: 200, key: "demo-liam-trees" };

/**
 * Giving back (docs/giving.md): the donation product in the Admin API double (fixed ids, as for the
 * membership), the causes in the program while it has none (never ones the merchant set up),
 * `roundUpBy`'s order with a round-up line as Shopify's signed webhook, and `giver`'s points given
 * through the extension API (both once: the donation is keyed by the order line, the gift by its key).
 */
export async function seedDemoGiving(
  app: DemoApp,
  roundUpBy: DoubleCustomer,
  giver: DoubleCustomer,
  double: AdminApiDouble,
) {
  const shopify = double.shop(app.shop);
  const product = DEMO_DONATION_PRODUCT;
  if (!(shopify.products ?? []).some((candidate) => candidate.id === product.id)) {
    (shopify.products ??= []).push({
      id: product.id,
      title: "Donation",
      handle: product.handle,
      status: "UNLISTED",
      tags: ["tally-donation"],
      productType: "Donation",
      collectionIds: [],
      options: [{ name: "Title", values: ["Default Title"] }],
      variants: [
        {
          id: product.variantId,
          title: "Default Title",
          price: "0.01",
          sku: "tally-donation",
          taxable: false,
          requiresShipping: false,
          tracked: false,
        },
      ],
    });
  }
  const token = await mintSessionToken({ shop: app.shop, apiKey: app.apiKey, apiSecret: app.apiSecret });
  const headers = { Authorization: `Bearer ${token}`, "User-Agent": USER_AGENT, "Content-Type": "application/json" };
  const current = await fetch(`${app.appUrl}/api/program`, { headers });
  if (!current.ok) throw new Error(`The demo could not read its program: HTTP ${current.status}`);
  const { program, revision } = (await current.json()) as {
    program: { giving: { causes: unknown[] } };
    revision: number;
  };
  if (!program.giving.causes.length) {
    program.giving = DEMO_GIVING;
    const saved = await fetch(`${app.appUrl}/api/program`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ program, revision }),
    });
    if (!saved.ok) throw new Error(`The demo could not add its causes: HTTP ${saved.status} ${await saved.text()}`);
  }
  const payload = paidOrderPayload({
    id: DEMO_ROUND_UP_ORDER.id,
    customer: roundUpBy,
    subtotal: DEMO_ROUND_UP_ORDER.subtotal,
    currencyCode: app.currencyCode,
    processedAt: new Date(Date.now() - DEMO_ROUND_UP_ORDER.daysAgo * 86_400_000),
    roundUp: { variantId: product.variantId, cents: DEMO_ROUND_UP_ORDER.cents, causeId: "ocean-cleanup" },
  });
  const request = signedWebhookRequest(
    `${app.appUrl}/webhooks/orders/paid`,
    { topic: "orders/paid", shop: app.shop, payload, apiVersion: ADMIN_API_VERSION },
    app.apiSecret,
  );
  const paid = await fetch(request.url, request.init);
  if (!paid.ok) throw new Error(`The demo's round-up order was refused: HTTP ${paid.status} ${await paid.text()}`);
  await pointsApplied(app, roundUpBy.id);
  const shopper = await mintSessionToken({
    shop: app.shop,
    apiKey: app.apiKey,
    apiSecret: app.apiSecret,
    subject: `gid://shopify/Customer/${giver.id}`,
  });
  const given = await fetch(`${app.appUrl}/api/extension/donations`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${shopper}`,
      "User-Agent": USER_AGENT,
      "Content-Type": "application/json",
      "Idempotency-Key": DEMO_POINTS_DONATION.key,
    },
    body: JSON.stringify({ causeId: DEMO_POINTS_DONATION.causeId, points: DEMO_POINTS_DONATION.points }),
  });
  // 409/422: the merchant's own causes or rules (not the demo's) refuse this gift; nothing to show then.
  if (!given.ok && given.status !== 409 && given.status !== 422)
    throw new Error(`The demo's points donation was refused: HTTP ${given.status} ${await given.text()}`);
}

/** A post-purchase survey (docs/surveys.md): the NPS question, where they heard of the shop, 50 points for an answer. */
export const DEMO_SURVEY = {
  id: "after-your-order",
  name: "After your order",
  enabled: true,
  nps: { text: "How likely are you to recommend {shop} to a friend?", comment: true },
  questions: [
    {
      id: "heard",
      type: "single_choice",
      text: "Where did you hear about us?",
      options: [
        { id: "friend", label: "A friend" },
        { id: "social", label: "Social media" },
        { id: "search", label: "A search engine" },
      ],
    },
  ],
  points: 50,
  startsAt: null,
  endsAt: null,
  orders: { mode: "all", n: 2 },
};

/**
 * The survey in the program while it has none, and answers about seeded orders sent as the
 * thank-you page sends them (the extension API, on each customer's session token): the admin's
 * survey results have an NPS to show. Starting again answers nothing twice (one answer per order).
 */
export async function seedDemoSurvey(
  app: DemoApp,
  answers: { customer: DoubleCustomer; orderId: number; answers: Record<string, unknown> }[],
) {
  const token = await mintSessionToken({ shop: app.shop, apiKey: app.apiKey, apiSecret: app.apiSecret });
  const headers = { Authorization: `Bearer ${token}`, "User-Agent": USER_AGENT, "Content-Type": "application/json" };
  const current = await fetch(`${app.appUrl}/api/program`, { headers });
  if (!current.ok) throw new Error(`The demo could not read its program: HTTP ${current.status}`);
  const { program, revision } = (await current.json()) as { program: { surveys: unknown[] }; revision: number };
  if (!program.surveys.length) {
    program.surveys = [DEMO_SURVEY];
    const saved = await fetch(`${app.appUrl}/api/program`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ program, revision }),
    });
    if (!saved.ok) throw new Error(`The demo could not add its survey: HTTP ${saved.status} ${await saved.text()}`);
  }
  for (const answer of answers) {
    const shopper = await mintSessionToken({
      shop: app.shop,
      apiKey: app.apiKey,
      apiSecret: app.apiSecret,
      subject: `gid://shopify/Customer/${answer.customer.id}`,
    });
    const sent = await fetch(`${app.appUrl}/api/extension/surveys/${DEMO_SURVEY.id}/answers`, {
      method: "POST",
      headers: { Authorization: `Bearer ${shopper}`, "User-Agent": USER_AGENT, "Content-Type": "application/json" },
      body: JSON.stringify({ orderId: `gid://shopify/Order/${answer.orderId}`, answers: answer.answers }),
    });
    // 409: the program's own survey (one the merchant made) does not ask about this order.
    if (!sent.ok && sent.status !== 409)
      throw new Error(`The demo's survey answer was refused: HTTP ${sent.status} ${await sent.text()}`);
  }
}

/**
 * A lapsed member with a running win-back offer (the storefront preview's notices and the customer
 * account show it): `customer`'s paid order three months ago, as Shopify's webhook, then the
 * hourly win-back pass. The member joined with that order: the demo cannot wait three months, so
 * their enrolment date is set back to it. Starting again grants nothing new while the offer runs.
 */
export async function seedDemoOffers(app: DemoApp, prisma: PrismaClient, customer: DoubleCustomer): Promise<void> {
  const lastOrderAt = new Date(Date.now() - DEMO_LAPSED_ORDER.daysAgo * 86_400_000);
  const payload = paidOrderPayload({
    ...DEMO_LAPSED_ORDER,
    customer,
    currencyCode: app.currencyCode,
    processedAt: lastOrderAt,
  });
  const request = signedWebhookRequest(
    `${app.appUrl}/webhooks/orders/paid`,
    { topic: "orders/paid", shop: app.shop, payload, apiVersion: ADMIN_API_VERSION },
    app.apiSecret,
  );
  const paid = await fetch(request.url, request.init);
  if (!paid.ok) throw new Error(`The demo's lapsed order was refused: HTTP ${paid.status} ${await paid.text()}`);
  await pointsApplied(app, customer.id);
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: app.shop }, select: { id: true } });
  await prisma.member.updateMany({
    where: { shopId: shop.id, shopifyCustomerId: String(customer.id), createdAt: { gt: lastOrderAt } },
    data: { createdAt: lastOrderAt },
  });
  await grantWinBackOffers(prisma, await loadShop(prisma, shop.id), new Date());
}

/**
 * The merchant approves Tally's plan: the billing page (which first reads Shopify: a subscription
 * the double of an earlier run no longer knows is cancelled), its Approve button, Shopify's page
 * (the double's, answered here) and the return to the billing page. Nothing to do when the plan
 * is active or billing is off.
 */
async function approveDemoPlan(app: DemoApp, headers: Record<string, string>, double: AdminApiDouble) {
  const billingPage = `${app.appUrl}/app/billing.data?_routes=routes/app.billing`;
  const read = async () => {
    const response = await fetch(billingPage, { headers });
    if (!response.ok) throw new Error(`The demo could not open its billing page: HTTP ${response.status}`);
  };
  await read();
  const asked = await fetch(`${app.appUrl}/app/billing.data`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "approve" }),
  });
  const { data } = (await decode(asked.body!)).value as { data: { confirmationUrl?: string; error?: string } };
  if (!data.confirmationUrl) {
    if (data.error === "already_active" || data.error === "billing_off") return;
    throw new Error(`The demo could not ask for its plan: HTTP ${asked.status} ${data.error}`);
  }
  const subscriptionId = new URL(data.confirmationUrl).searchParams.get("subscription")!;
  double.answerConfirmation(app.shop, subscriptionId, true);
  await read();
}

/**
 * The demo's partner, a café that awards fixed points per visit. Its API key is public and works
 * only in the sandbox: a real partner's key is random and shown once (docs/partners.md), so the
 * demo could not print it again on its next start.
 */
export const DEMO_PARTNER = {
  name: "Café Lumière",
  key: "tpk_00000000000000d0_sandbox-only-demo-partner-key-not-a-secret0",
  pointsPerEvent: 100,
  dailyCap: 500,
} as const;

/** Adds the demo's partner to the shop once, under its public sandbox key (kept as a hash, as any key). */
export async function seedDemoPartner(prisma: PrismaClient, shopDomain: string): Promise<void> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  const keyId = partnerKeyId(DEMO_PARTNER.key);
  if (!keyId) throw new Error("The demo partner's key is malformed");
  await prisma.partner.upsert({
    where: { keyId },
    create: {
      shopId: shop.id,
      name: DEMO_PARTNER.name,
      earnMode: "per_event",
      pointsPerEvent: DEMO_PARTNER.pointsPerEvent,
      dailyCap: DEMO_PARTNER.dailyCap,
      keyId,
      keyHash: hashPartnerKey(DEMO_PARTNER.key),
    },
    update: {},
  });
}

/** The demo's finished campaign: 200 points for Ava, with the message her widget shows once. */
export const DEMO_CAMPAIGN = {
  name: "Thank you for shopping with us",
  points: 200,
  message: "200 points from Tally Outfitters: thank you!",
} as const;

/** The sandbox shop's customer segment for the Campaigns page: its regulars (two orders or more). */
export const DEMO_SEGMENT = { id: "gid://shopify/Segment/7390000", name: "Regulars (2+ orders)" } as const;

/**
 * Campaigns in the demo: a segment of regulars in the double to pick from, and, once, a finished
 * campaign that gave `customer` 200 points — sent by the campaigns job as any campaign is, so
 * their widget shows the surprise (until they close it) and their activity the gift.
 */
export async function seedDemoCampaign(
  prisma: PrismaClient,
  shopDomain: string,
  customer: DoubleCustomer,
  double: AdminApiDouble,
): Promise<void> {
  const segments = double.shop(shopDomain).segments;
  if (!segments.some((segment) => segment.id === DEMO_SEGMENT.id)) {
    segments.push({
      ...DEMO_SEGMENT,
      query: "number_of_orders >= 2",
      customerIds: double
        .shop(shopDomain)
        .customers.filter((c) => c.numberOfOrders >= 2)
        .map((c) => c.id),
    });
  }
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  if (await prisma.campaign.count({ where: { shopId: shop.id, name: DEMO_CAMPAIGN.name } })) return;
  const created = await createCampaign(
    prisma,
    await loadShop(prisma, shop.id),
    { ...DEMO_CAMPAIGN, audience: { type: "emails", emails: [customer.email.toLowerCase()] } },
    null,
  );
  if (!created.ok) throw new Error(`The demo's campaign was refused: ${JSON.stringify(created.issues)}`);
  await runCampaigns(prisma, new Date());
}

/** The merchant's goals on the dashboard (docs/goals.md): targets through the end of next year. */
export function demoGoals(now = new Date()) {
  const year = now.getUTCFullYear();
  const span = { startsAt: `${year}-01-01T00:00:00.000Z`, endsAt: `${year + 1}-12-31T23:59:59.000Z` };
  return [
    { id: "repeat", metric: "repeat_rate", target: 3500, ...span },
    { id: "members-revenue", metric: "member_revenue_share", target: 6000, ...span },
  ];
}

/** The order on which the demo's customer used a reward's code: what the program cost (docs/accounting.md). */
export const DEMO_COST_ORDER = { id: 5_000_000_006, subtotal: "42.00", daysAgo: 3, requestKey: "demo-ava-1-off" };

/**
 * What the accounting, ROI and home pages show: the merchant's goals (added once, while the program
 * has none), and `customer` spending 100 points on the "1 off" reward through the customer account
 * extension's API and using the code on a paid order (signed orders/paid) — the program's cost. Both
 * keyed (the request key, the order id): sending them again on every start changes nothing.
 */
export async function seedDemoReports(app: DemoApp, customer: DoubleCustomer): Promise<void> {
  const token = await mintSessionToken({ shop: app.shop, apiKey: app.apiKey, apiSecret: app.apiSecret });
  const headers = { Authorization: `Bearer ${token}`, "User-Agent": USER_AGENT, "Content-Type": "application/json" };
  const current = await fetch(`${app.appUrl}/api/program`, { headers });
  if (!current.ok) throw new Error(`The demo could not read its program: HTTP ${current.status}`);
  const { program, revision } = (await current.json()) as {
    program: { accounting: { goals: unknown[] } };
    revision: number;
  };
  if (!program.accounting.goals.length) {
    program.accounting.goals = demoGoals();
    const saved = await fetch(`${app.appUrl}/api/program`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ program, revision }),
    });
    if (!saved.ok) throw new Error(`The demo could not add its goals: HTTP ${saved.status} ${await saved.text()}`);
  }
  const shopper = await mintSessionToken({
    shop: app.shop,
    apiKey: app.apiKey,
    apiSecret: app.apiSecret,
    subject: `gid://shopify/Customer/${customer.id}`,
  });
  const redeemed = await fetch(`${app.appUrl}/api/extension/redemptions`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${shopper}`,
      "User-Agent": USER_AGENT,
      "Content-Type": "application/json",
      "Idempotency-Key": DEMO_COST_ORDER.requestKey,
    },
    body: JSON.stringify({ rewardId: DEMO_STARTER_REWARD.id }),
  });
  // 409/422: the merchant's own catalog or the customer's balance refuses it; nothing to show then.
  if (redeemed.status === 409 || redeemed.status === 422) return;
  if (!redeemed.ok)
    throw new Error(`The demo's redemption was refused: HTTP ${redeemed.status} ${await redeemed.text()}`);
  const { code } = ((await redeemed.json()) as { redemption: { code: string | null } }).redemption;
  if (!code) return;
  const payload = paidOrderPayload({
    id: DEMO_COST_ORDER.id,
    customer,
    subtotal: DEMO_COST_ORDER.subtotal,
    currencyCode: app.currencyCode,
    processedAt: new Date(Date.now() - DEMO_COST_ORDER.daysAgo * 86_400_000),
    discountCode: code,
    discountAmount: DEMO_STARTER_REWARD.amount.toFixed(2),
  });
  const request = signedWebhookRequest(
    `${app.appUrl}/webhooks/orders/paid`,
    { topic: "orders/paid", shop: app.shop, payload, apiVersion: ADMIN_API_VERSION },
    app.apiSecret,
  );
  const paid = await fetch(request.url, request.init);
  if (!paid.ok) throw new Error(`The demo's order with a code was refused: HTTP ${paid.status} ${await paid.text()}`);
  await pointsApplied(app, customer.id);
}
