import type { AdminGateway } from "./admin-gateway.server";
import { discountAmount, discountItems, type CombinesWith, type DiscountValue } from "./discounts.server";
import { AdminUserError } from "./errors";
import { adminOperation } from "./operation";
import { ensureSegment } from "./segments.server";

/** The segment friends' offers are limited to: customers who have not ordered yet. */
export const NEW_CUSTOMER_SEGMENT = { name: "Tally — customers with no orders yet", query: "number_of_orders = 0" };

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

const RefereeCodeByCode = adminOperation(`#graphql
  query RefereeCodeByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) { id }
  }
`);

/** The "no orders yet" segment's id, made the first time (found by name when a lost answer made it already). */
export const ensureNewCustomerSegment = (admin: AdminGateway) => ensureSegment(admin, NEW_CUSTOMER_SEGMENT);

/** A code shared by a customer segment, once per customer, with no end date. */
export interface SegmentCodeToCreate {
  title: string;
  code: string;
  segmentId: string;
  startsAt: Date;
  combinesWith: CombinesWith;
  value: Extract<DiscountValue, { type: "amount_off" | "percentage_off" | "free_shipping" }>;
}

/** The discount Shopify should create for a segment's shared code. */
export function segmentDiscountInput(code: SegmentCodeToCreate) {
  const common = {
    title: code.title,
    code: code.code,
    startsAt: code.startsAt.toISOString(),
    context: { customerSegments: { add: [code.segmentId] } },
    appliesOncePerCustomer: true,
  };
  const { value } = code;
  if (value.type === "free_shipping") {
    return {
      mutation: "free_shipping" as const,
      input: {
        ...common,
        destination: { all: true },
        ...(value.maxShippingPrice ? { maximumShippingPrice: value.maxShippingPrice.toFixed(2) } : {}),
        combinesWith: code.combinesWith,
      },
    };
  }
  return {
    mutation: "basic" as const,
    input: {
      ...common,
      customerGets: { value: discountAmount(value), items: discountItems(value.items) },
      combinesWith: code.combinesWith,
    },
  };
}

/** Creates a segment's shared code and returns the discount's id; a code left by an attempt whose answer was lost is taken as ours. */
export async function createSegmentDiscount(admin: AdminGateway, code: SegmentCodeToCreate) {
  const { mutation, input } = segmentDiscountInput(code);
  try {
    const payload =
      mutation === "basic"
        ? await admin.mutate(CreateRefereeCode, { input }, (data) => data.discountCodeBasicCreate)
        : await admin.mutate(CreateRefereeShippingCode, { input }, (data) => data.discountCodeFreeShippingCreate);
    return payload.codeDiscountNode!.id;
  } catch (error) {
    if (error instanceof AdminUserError && error.userErrors.some((e) => e.code === "TAKEN")) {
      const { codeDiscountNodeByCode } = await admin.request(RefereeCodeByCode, { code: code.code });
      if (codeDiscountNodeByCode) return codeDiscountNodeByCode.id;
    }
    throw error;
  }
}
