import type { AdminGateway } from "./admin-gateway.server";
import type * as Admin from "./admin-operations.generated";
import { discountItems, type CombinesWith } from "./discounts.server";
import { AdminUserError, reportsGone } from "./errors";
import { adminOperation } from "./operation";

/**
 * Customer segments and automatic discounts limited to them: what a VIP tier's perks are in
 * Shopify. Every create is found again by a stable name or tag first, so a retry after a lost
 * answer never makes a second one.
 */

const CreateAutomaticBasic = adminOperation(`#graphql
  mutation CreatePerkDiscount($input: DiscountAutomaticBasicInput!) {
    discountAutomaticBasicCreate(automaticBasicDiscount: $input) {
      automaticDiscountNode { id }
      userErrors { field message code }
    }
  }
`);

const UpdateAutomaticBasic = adminOperation(`#graphql
  mutation UpdatePerkDiscount($id: ID!, $input: DiscountAutomaticBasicInput!) {
    discountAutomaticBasicUpdate(id: $id, automaticBasicDiscount: $input) {
      automaticDiscountNode { id }
      userErrors { field message code }
    }
  }
`);

const CreateAutomaticFreeShipping = adminOperation(`#graphql
  mutation CreatePerkShipping($input: DiscountAutomaticFreeShippingInput!) {
    discountAutomaticFreeShippingCreate(freeShippingAutomaticDiscount: $input) {
      automaticDiscountNode { id }
      userErrors { field message code }
    }
  }
`);

const UpdateAutomaticFreeShipping = adminOperation(`#graphql
  mutation UpdatePerkShipping($id: ID!, $input: DiscountAutomaticFreeShippingInput!) {
    discountAutomaticFreeShippingUpdate(id: $id, freeShippingAutomaticDiscount: $input) {
      automaticDiscountNode { id }
      userErrors { field message code }
    }
  }
`);

const DeleteAutomatic = adminOperation(`#graphql
  mutation DeletePerkDiscount($id: ID!) {
    discountAutomaticDelete(id: $id) {
      deletedAutomaticDiscountId
      userErrors { field message code }
    }
  }
`);

const AutomaticDiscountsTitled = adminOperation(`#graphql
  query AutomaticDiscountsTitled($query: String!) {
    automaticDiscountNodes(first: 10, query: $query) {
      nodes {
        id
        automaticDiscount {
          ... on DiscountAutomaticBasic { title tags }
          ... on DiscountAutomaticFreeShipping { title tags }
        }
      }
    }
  }
`);

const ExistingNodes = adminOperation(`#graphql
  query ExistingPerkNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
    }
  }
`);

/** An automatic discount for one customer segment; `tag` names it for Tally, whatever its title says. */
export interface AutomaticSegmentDiscount {
  title: string;
  tag: string;
  segmentId: string;
  startsAt: Date;
  combinesWith: CombinesWith;
  value:
    | { type: "percentage_off"; percentage: number; collectionIds: string[] }
    | { type: "free_shipping"; minimumSubtotal: number | null };
}

/** A quoted value in Shopify's search syntax and in the segment query language. */
export const quoted = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** Shopify's input for the discount (the basic or the free-shipping mutation's). */
export function automaticDiscountInput(discount: AutomaticSegmentDiscount) {
  const common = {
    title: discount.title,
    tags: [discount.tag],
    startsAt: discount.startsAt.toISOString(),
    context: { customerSegments: { add: [discount.segmentId] } },
    combinesWith: discount.combinesWith,
  };
  const { value } = discount;
  if (value.type === "free_shipping") {
    return {
      mutation: "free_shipping" as const,
      input: {
        ...common,
        destination: { all: true },
        minimumRequirement: value.minimumSubtotal
          ? { subtotal: { greaterThanOrEqualToSubtotal: value.minimumSubtotal.toFixed(2) } }
          : null,
      } satisfies Admin.DiscountAutomaticFreeShippingInput,
    };
  }
  return {
    mutation: "basic" as const,
    input: {
      ...common,
      customerGets: {
        value: { percentage: value.percentage / 100 },
        items: discountItems(value.collectionIds.length ? { collectionIds: value.collectionIds } : "all"),
      },
    } satisfies Admin.DiscountAutomaticBasicInput,
  };
}

/** The discount Tally made with this title and tag (an earlier attempt's answer may have been lost). */
export async function findAutomaticDiscount(
  admin: AdminGateway,
  discount: Pick<AutomaticSegmentDiscount, "title" | "tag">,
): Promise<string | null> {
  const { automaticDiscountNodes } = await admin.request(AutomaticDiscountsTitled, {
    query: `title:${quoted(discount.title)}`,
  });
  const ours = automaticDiscountNodes.nodes.find(
    (node) => "tags" in node.automaticDiscount && node.automaticDiscount.tags.includes(discount.tag),
  );
  return ours?.id ?? null;
}

/** Creates the discount, unless one with its title and tag exists already: that one is updated and returned. */
export async function createAutomaticDiscount(
  admin: AdminGateway,
  discount: AutomaticSegmentDiscount,
): Promise<string> {
  const existing = await findAutomaticDiscount(admin, discount);
  if (existing && (await updateAutomaticDiscount(admin, existing, discount))) return existing;
  const { mutation, input } = automaticDiscountInput(discount);
  const payload =
    mutation === "basic"
      ? await admin.mutate(CreateAutomaticBasic, { input }, (data) => data.discountAutomaticBasicCreate)
      : await admin.mutate(CreateAutomaticFreeShipping, { input }, (data) => data.discountAutomaticFreeShippingCreate);
  return payload.automaticDiscountNode!.id;
}

/** Updates the discount; false when it no longer exists (deleted in Shopify). */
export async function updateAutomaticDiscount(
  admin: AdminGateway,
  id: string,
  discount: AutomaticSegmentDiscount,
): Promise<boolean> {
  const { mutation, input } = automaticDiscountInput(discount);
  const payload =
    mutation === "basic"
      ? (await admin.request(UpdateAutomaticBasic, { id, input })).discountAutomaticBasicUpdate
      : (await admin.request(UpdateAutomaticFreeShipping, { id, input })).discountAutomaticFreeShippingUpdate;
  const errors = payload?.userErrors ?? [];
  if (reportsGone(errors)) return false;
  if (errors.length) throw new AdminUserError(errors, "UpdatePerkDiscount", admin.shop);
  return true;
}

/** Deletes an automatic discount; one already gone counts as deleted. */
export async function deleteAutomaticDiscount(admin: AdminGateway, id: string): Promise<void> {
  const { discountAutomaticDelete } = await admin.request(DeleteAutomatic, { id });
  const errors = discountAutomaticDelete?.userErrors ?? [];
  if (errors.length && !reportsGone(errors)) throw new AdminUserError(errors, "DeletePerkDiscount", admin.shop);
}

/** Which of these segments and discounts still exist in Shopify (a merchant may delete them by hand). */
export async function existingNodes(admin: AdminGateway, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += 100) {
    const { nodes } = await admin.request(ExistingNodes, { ids: ids.slice(start, start + 100) });
    for (const node of nodes) if (node) found.add(node.id);
  }
  return found;
}
