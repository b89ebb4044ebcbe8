import type { AdminGateway } from "./admin-gateway.server";
import { adminOperation } from "./operation";

/** Shopify takes at most 25 metafields in one metafieldsSet. */
export const METAFIELDS_PER_CALL = 25;

const SetMetafields = adminOperation(`#graphql
  mutation SetMemberMetafields($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      userErrors { field message code }
    }
  }
`);

export interface MemberFacts {
  customerId: string;
  balance: number;
  pending: number;
  nextExpiry: { points: number; at: string } | null;
  tier: { id: string; name: string } | null;
  /** The paid membership, for themes (early access): paying means active or in its grace days. */
  membership: { active: boolean; planId: string | null; paidThrough: string | null };
}

/** The app-owned customer metafields (declared in shopify.app.toml) that mirror a member. */
export function memberMetafields(member: MemberFacts) {
  const ownerId = `gid://shopify/Customer/${member.customerId}`;
  return [
    { ownerId, namespace: "$app", key: "points_balance", type: "number_integer", value: String(member.balance) },
    { ownerId, namespace: "$app", key: "points_pending", type: "number_integer", value: String(member.pending) },
    {
      ownerId,
      namespace: "$app",
      key: "points_next_expiry",
      type: "json",
      value: JSON.stringify(member.nextExpiry ?? { points: 0, at: null }),
    },
    {
      ownerId,
      namespace: "$app",
      key: "tier",
      type: "json",
      value: JSON.stringify(member.tier ?? { id: null, name: null }),
    },
    { ownerId, namespace: "$app", key: "membership", type: "json", value: JSON.stringify(member.membership) },
  ];
}

export const METAFIELDS_PER_MEMBER = 5;

/** Writes the members' metafields, as few calls as Shopify allows. */
export async function setMemberMetafields(admin: AdminGateway, members: MemberFacts[]) {
  const metafields = members.flatMap(memberMetafields);
  for (let start = 0; start < metafields.length; start += METAFIELDS_PER_CALL) {
    await admin.mutate(
      SetMetafields,
      { metafields: metafields.slice(start, start + METAFIELDS_PER_CALL) },
      (data) => data.metafieldsSet,
    );
  }
}

const AddTags = adminOperation(`#graphql
  mutation AddTierTag($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      userErrors { field message }
    }
  }
`);

const RemoveTags = adminOperation(`#graphql
  mutation RemoveTierTags($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) {
      userErrors { field message }
    }
  }
`);

/** Leaves the customer with the tag of their tier (if any) and none of the other tier tags (the membership's tag likewise). */
export async function setTierTag(admin: AdminGateway, customerId: string, current: string | null, others: string[]) {
  const id = `gid://shopify/Customer/${customerId}`;
  if (others.length) await admin.mutate(RemoveTags, { id, tags: others }, (data) => data.tagsRemove);
  if (current) await admin.mutate(AddTags, { id, tags: [current] }, (data) => data.tagsAdd);
}

/**
 * The mutations a mass sync runs as bulk operations, one per operation (Shopify runs one mutation
 * per bulk operation): the same documents as the per-call path, one member a line of variables.
 */
export const BULK_SYNC_MUTATIONS = { metafields: SetMetafields, tagsRemove: RemoveTags, tagsAdd: AddTags } as const;
export type BulkSyncMutation = keyof typeof BULK_SYNC_MUTATIONS;

/** A member's metafields as one line of the metafields bulk operation (5 metafields: within the 25 of a call). */
export const memberMetafieldsLine = (member: MemberFacts) => ({ metafields: memberMetafields(member) });

/** A customer's tags to remove or add, as one line of the tags bulk operations. */
export const customerTagsLine = (customerId: string, tags: string[]) => ({
  id: `gid://shopify/Customer/${customerId}`,
  tags,
});
