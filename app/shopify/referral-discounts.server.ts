import type { Referrals } from "~/loyalty/program/program";
import type { AdminGateway } from "./admin-gateway.server";
import { AdminUserError } from "./errors";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

/** The segment friends' offers are limited to: customers who have not ordered yet. */
export const NEW_CUSTOMER_SEGMENT = { name: "Tally — customers with no orders yet", query: "number_of_orders = 0" };

const CreateSegment = adminOperation(`#graphql
  mutation CreateSegment($name: String!, $query: String!) {
    segmentCreate(name: $name, query: $query) {
      segment { id }
      userErrors { field message }
    }
  }
`);

const Segments = adminOperation(`#graphql
  query Segments($after: String) {
    segments(first: 100, after: $after) {
      nodes { id name }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const CreateRefereeCode = adminOperation(`#graphql
  mutation CreateRefereeCode($input: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $input) {
      codeDiscountNode { id }
      userErrors { field message code }
    }
  }
`);

const CreateRefereeShippingCode = adminOperation(`#graphql
  mutation CreateRefereeShippingCode($input: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) {
      codeDiscountNode { id }
      userErrors { field message code }
    }
  }
`);

const DeleteCode = adminOperation(`#graphql
  mutation DeleteCode($id: ID!) {
    discountCodeDelete(id: $id) {
      deletedCodeDiscountId
      userErrors { field message code }
    }
  }
`);

const RefereeCodeByCode = adminOperation(`#graphql
  query RefereeCodeByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) { id }
  }
`);

/** The "no orders yet" segment's id, made the first time (found by name when a lost answer made it already). */
export async function ensureNewCustomerSegment(admin: AdminGateway): Promise<string> {
  try {
    const payload = await admin.mutate(CreateSegment, NEW_CUSTOMER_SEGMENT, (data) => data.segmentCreate);
    return payload.segment!.id;
  } catch (error) {
    if (!(error instanceof AdminUserError && error.userErrors.some((e) => /taken/i.test(e.message)))) throw error;
    let after: string | null = null;
    do {
      const { segments }: Admin.SegmentsQuery = await admin.request(Segments, { after });
      const existing = segments.nodes.find((segment) => segment.name === NEW_CUSTOMER_SEGMENT.name);
      if (existing) return existing.id;
      after = segments.pageInfo.hasNextPage ? segments.pageInfo.endCursor : null;
    } while (after);
    throw error;
  }
}

/**
 * The friend's offer behind a referrer's code: one shared code, for customers with no orders
 * yet (the segment), once per customer, no end date (it lives as long as the member's link).
 */
export function refereeDiscountInput(
  offer: Referrals["refereeReward"],
  code: string,
  segmentId: string,
  startsAt: Date,
) {
  const common = {
    title: `Referral offer ${code} — Tally`,
    code,
    startsAt: startsAt.toISOString(),
    context: { customerSegments: { add: [segmentId] } },
    appliesOncePerCustomer: true,
  };
  if (offer.type === "free_shipping") {
    return {
      mutation: "free_shipping" as const,
      input: {
        ...common,
        destination: { all: true },
        combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
      },
    };
  }
  const value =
    offer.type === "percentage"
      ? { percentage: offer.percentage / 100 }
      : { discountAmount: { amount: offer.amount.toFixed(2), appliesOnEachItem: false } };
  return {
    mutation: "basic" as const,
    input: {
      ...common,
      customerGets: { value, items: { all: true } },
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
    },
  };
}

/** Creates the friend's code and returns the discount's id; a code left by an attempt whose answer was lost is taken as ours. */
export async function createRefereeDiscount(
  admin: AdminGateway,
  offer: Referrals["refereeReward"],
  code: string,
  segmentId: string,
  startsAt: Date,
) {
  const { mutation, input } = refereeDiscountInput(offer, code, segmentId, startsAt);
  try {
    const payload =
      mutation === "basic"
        ? await admin.mutate(CreateRefereeCode, { input }, (data) => data.discountCodeBasicCreate)
        : await admin.mutate(CreateRefereeShippingCode, { input }, (data) => data.discountCodeFreeShippingCreate);
    return payload.codeDiscountNode!.id;
  } catch (error) {
    if (error instanceof AdminUserError && error.userErrors.some((e) => e.code === "TAKEN")) {
      const { codeDiscountNodeByCode } = await admin.request(RefereeCodeByCode, { code });
      if (codeDiscountNodeByCode) return codeDiscountNodeByCode.id;
    }
    throw error;
  }
}

/** Deletes a code discount; one already gone counts as deleted. */
export async function deleteDiscount(admin: AdminGateway, id: string): Promise<void> {
  const { discountCodeDelete } = await admin.request(DeleteCode, { id });
  const errors = discountCodeDelete?.userErrors ?? [];
  if (errors.length && !errors.some((e) => /does not exist|not found/i.test(e.message))) {
    throw new AdminUserError(errors, "DeleteCode", admin.shop);
  }
}
