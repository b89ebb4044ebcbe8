import type { Reward } from "~/loyalty/program/program";
import type { AdminGateway } from "./admin-gateway.server";
import { AdminUserError } from "./errors";
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

export interface CodeToCreate {
  reward: Reward;
  code: string;
  customerId: string;
  /** A variable reward: what the shopper bought with their points. A free product: its price. */
  amount: number | null;
  startsAt: Date;
  endsAt: Date;
}

const decimal = (value: number) => value.toFixed(2);

function items(reward: Reward) {
  if (reward.type === "free_product") {
    return { products: { productVariantsToAdd: [`gid://shopify/ProductVariant/${reward.variantId}`] } };
  }
  if (reward.scope.productIds.length) {
    return { products: { productsToAdd: reward.scope.productIds.map((id) => `gid://shopify/Product/${id}`) } };
  }
  if (reward.scope.collectionIds.length) {
    return { collections: { add: reward.scope.collectionIds.map((id) => `gid://shopify/Collection/${id}`) } };
  }
  return { all: true };
}

function value(reward: Reward, amount: number | null) {
  switch (reward.type) {
    case "fixed_amount":
      return { discountAmount: { amount: decimal(reward.amount), appliesOnEachItem: false } };
    case "variable":
      return { discountAmount: { amount: decimal(amount ?? 0), appliesOnEachItem: false } };
    case "percentage":
      return { percentage: reward.percentage / 100 };
    case "free_product":
      // The variant's price off, once: a percentage would make every unit in the cart free.
      return { discountAmount: { amount: decimal(amount ?? 0), appliesOnEachItem: false } };
    case "free_shipping":
      throw new Error("free shipping has no customerGets value");
  }
}

/**
 * The discount Shopify should create for a redemption: one code, for that customer only, usable
 * once, between the redemption's dates, combining as the merchant chose.
 */
export function discountInput(
  input: CodeToCreate,
):
  | { mutation: "basic"; input: Admin.DiscountCodeBasicInput }
  | { mutation: "free_shipping"; input: Admin.DiscountCodeFreeShippingInput } {
  const { reward } = input;
  const common = {
    title: `${reward.name} — Tally reward ${input.code}`,
    code: input.code,
    startsAt: input.startsAt.toISOString(),
    endsAt: input.endsAt.toISOString(),
    context: { customers: { add: [`gid://shopify/Customer/${input.customerId}`] } },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: reward.combinesWith,
    minimumRequirement: reward.minimumOrder
      ? { subtotal: { greaterThanOrEqualToSubtotal: decimal(reward.minimumOrder) } }
      : null,
  };
  if (reward.type === "free_shipping") {
    return {
      mutation: "free_shipping",
      input: {
        ...common,
        destination: { all: true },
        ...(reward.maxShippingPrice ? { maximumShippingPrice: decimal(reward.maxShippingPrice) } : {}),
      },
    };
  }
  return {
    mutation: "basic",
    input: { ...common, customerGets: { value: value(reward, input.amount), items: items(reward) } },
  };
}

/**
 * Creates the code and returns the discount's id. When Shopify says the code is taken, the code
 * is ours from an attempt whose answer was lost: that discount is returned instead.
 */
export async function createDiscountCode(admin: AdminGateway, code: CodeToCreate): Promise<string> {
  if (code.reward.type === "free_product") {
    const { productVariant } = await admin.request(VariantPrice, {
      id: `gid://shopify/ProductVariant/${code.reward.variantId}`,
    });
    if (!productVariant)
      throw new AdminUserError(
        [{ field: ["variantId"], message: "the reward's product variant no longer exists" }],
        "VariantPrice",
        admin.shop,
      );
    code = { ...code, amount: Number(productVariant.price) };
  }
  const { mutation, input } = discountInput(code);
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
