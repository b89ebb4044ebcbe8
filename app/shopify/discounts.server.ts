import type { AdminGateway } from "./admin-gateway.server";
import { AdminUserError, reportsGone } from "./errors";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

const CreateBasicCode = adminOperation(`#graphql
  mutation CreateBasicCode($input: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $input) {
      codeDiscountNode { id }
      userErrors { field message code }
    }
  }
`);

const CreateFreeShippingCode = adminOperation(`#graphql
  mutation CreateFreeShippingCode($input: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) {
      codeDiscountNode { id }
      userErrors { field message code }
    }
  }
`);

const VariantPrice = adminOperation(`#graphql
  query VariantPrice($id: ID!) {
    productVariant(id: $id) { id price }
  }
`);

const DiscountByCode = adminOperation(`#graphql
  query DiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) { id }
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

const DiscountUsage = adminOperation(`#graphql
  query DiscountUsage($id: ID!) {
    codeDiscountNode(id: $id) {
      codeDiscount {
        ... on DiscountCodeBasic { asyncUsageCount }
        ... on DiscountCodeFreeShipping { asyncUsageCount }
      }
    }
  }
`);

/** Which other discounts a code may be used with. */
export interface CombinesWith {
  orderDiscounts: boolean;
  productDiscounts: boolean;
  shippingDiscounts: boolean;
}

/** The items a code takes its value off: the whole order, or these products, collections or variants. */
export type DiscountItems = "all" | { productIds: string[] } | { collectionIds: string[] } | { variantIds: string[] };

/** What a code gives. Amounts are in the shop's currency. */
export type DiscountValue =
  | { type: "amount_off"; amount: number; items: DiscountItems }
  | { type: "percentage_off"; percentage: number; items: DiscountItems }
  /** The variant's price off, once, read from Shopify when the code is made. */
  | { type: "variant_price_off"; variantId: string }
  | { type: "free_shipping"; maxShippingPrice: number | null };

/** A code discount for one customer, usable once, between two dates. */
export interface CodeToCreate {
  title: string;
  code: string;
  customerId: string;
  startsAt: Date;
  endsAt: Date;
  combinesWith: CombinesWith;
  minimumSubtotal: number | null;
  value: DiscountValue;
}

const decimal = (value: number) => value.toFixed(2);

/** Shopify's `customerGets.items`. */
export function discountItems(items: DiscountItems) {
  if (items === "all") return { all: true };
  if ("variantIds" in items) {
    return { products: { productVariantsToAdd: items.variantIds.map((id) => `gid://shopify/ProductVariant/${id}`) } };
  }
  if ("productIds" in items) {
    return { products: { productsToAdd: items.productIds.map((id) => `gid://shopify/Product/${id}`) } };
  }
  return { collections: { add: items.collectionIds.map((id) => `gid://shopify/Collection/${id}`) } };
}

/** Shopify's `customerGets.value`. */
export function discountAmount(
  value: { type: "amount_off"; amount: number } | { type: "percentage_off"; percentage: number },
) {
  return value.type === "amount_off"
    ? { discountAmount: { amount: decimal(value.amount), appliesOnEachItem: false } }
    : { percentage: value.percentage / 100 };
}

/**
 * The discount Shopify should create: one code, for that customer only, usable once, between
 * the dates. A variant's price off needs the price Shopify has for it (`variantPrice`).
 */
export function discountInput(
  code: CodeToCreate,
  variantPrice: number | null = null,
):
  | { mutation: "basic"; input: Admin.DiscountCodeBasicInput }
  | { mutation: "free_shipping"; input: Admin.DiscountCodeFreeShippingInput } {
  const common = {
    title: code.title,
    code: code.code,
    startsAt: code.startsAt.toISOString(),
    endsAt: code.endsAt.toISOString(),
    context: { customers: { add: [`gid://shopify/Customer/${code.customerId}`] } },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: code.combinesWith,
    minimumRequirement: code.minimumSubtotal
      ? { subtotal: { greaterThanOrEqualToSubtotal: decimal(code.minimumSubtotal) } }
      : null,
  };
  const { value } = code;
  if (value.type === "free_shipping") {
    return {
      mutation: "free_shipping",
      input: {
        ...common,
        destination: { all: true },
        ...(value.maxShippingPrice ? { maximumShippingPrice: decimal(value.maxShippingPrice) } : {}),
      },
    };
  }
  // The variant's price off, once: a percentage would make every unit in the cart free.
  const customerGets =
    value.type === "variant_price_off"
      ? {
          value: discountAmount({ type: "amount_off", amount: variantPrice ?? 0 }),
          items: discountItems({ variantIds: [value.variantId] }),
        }
      : { value: discountAmount(value), items: discountItems(value.items) };
  return { mutation: "basic", input: { ...common, customerGets } };
}

/**
 * Creates the code and returns the discount's id. When Shopify says the code is taken, the code
 * is ours from an attempt whose answer was lost: that discount is returned instead.
 */
export async function createDiscountCode(admin: AdminGateway, code: CodeToCreate): Promise<string> {
  let variantPrice: number | null = null;
  if (code.value.type === "variant_price_off") {
    const { productVariant } = await admin.request(VariantPrice, {
      id: `gid://shopify/ProductVariant/${code.value.variantId}`,
    });
    if (!productVariant)
      throw new AdminUserError(
        [{ field: ["variantId"], message: "the reward's product variant no longer exists" }],
        "VariantPrice",
        admin.shop,
      );
    variantPrice = Number(productVariant.price);
  }
  const { mutation, input } = discountInput(code, variantPrice);
  try {
    const payload =
      mutation === "basic"
        ? await admin.mutate(CreateBasicCode, { input }, (data) => data.discountCodeBasicCreate)
        : await admin.mutate(CreateFreeShippingCode, { input }, (data) => data.discountCodeFreeShippingCreate);
    return payload.codeDiscountNode!.id;
  } catch (error) {
    if (error instanceof AdminUserError && error.userErrors.some((e) => e.code === "TAKEN")) {
      const { codeDiscountNodeByCode } = await admin.request(DiscountByCode, { code: code.code });
      if (codeDiscountNodeByCode) return codeDiscountNodeByCode.id;
    }
    throw error;
  }
}

/** Deletes a code discount (a referral offer replaced, a POS redemption undone); one already gone counts as deleted. */
export async function deleteDiscount(admin: AdminGateway, id: string): Promise<void> {
  const { discountCodeDelete } = await admin.request(DeleteCode, { id });
  const errors = discountCodeDelete?.userErrors ?? [];
  if (errors.length && !reportsGone(errors)) {
    throw new AdminUserError(errors, "DeleteCode", admin.shop);
  }
}

/**
 * How many orders used a code discount, as Shopify counts them (asynchronously: a sale may take a
 * few seconds to show); null when the discount no longer exists.
 */
export async function discountUsageCount(admin: AdminGateway, id: string): Promise<number | null> {
  const { codeDiscountNode } = await admin.request(DiscountUsage, { id });
  if (!codeDiscountNode) return null;
  const discount = codeDiscountNode.codeDiscount as { asyncUsageCount?: number };
  return discount.asyncUsageCount ?? 0;
}
