import type { AdminGateway } from "./admin-gateway.server";
import type * as Admin from "./admin-operations.generated";
import { AdminUserError, reportsGone } from "./errors";
import { adminOperation } from "./operation";
import { legacyId } from "./order-payloads";

/**
 * Customer segments Tally keeps (a tier's members, friends with no orders yet): made once, found
 * again by their unique name after a lost answer, renamed, requeried, deleted.
 */

const CreateSegment = adminOperation(`#graphql
  mutation CreateSegment($name: String!, $query: String!) {
    segmentCreate(name: $name, query: $query) {
      segment { id }
      userErrors { field message }
    }
  }
`);

const UpdateSegment = adminOperation(`#graphql
  mutation UpdateSegment($id: ID!, $name: String!, $query: String!) {
    segmentUpdate(id: $id, name: $name, query: $query) {
      segment { id }
      userErrors { field message }
    }
  }
`);

const DeleteSegment = adminOperation(`#graphql
  mutation DeleteSegment($id: ID!) {
    segmentDelete(id: $id) {
      deletedSegmentId
      userErrors { field message }
    }
  }
`);

const SegmentPage = adminOperation(`#graphql
  query SegmentPage($after: String) {
    segments(first: 100, after: $after) {
      nodes { id name }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

/** A customer segment: its name is unique in the shop. */
export interface SegmentDefinition {
  name: string;
  query: string;
}

/**
 * Makes the segment, or finds the one an attempt whose answer was lost made: Shopify keeps segment
 * names unique, so "taken" means it exists, and it is looked up by name.
 */
export async function ensureSegment(admin: AdminGateway, segment: SegmentDefinition): Promise<string> {
  try {
    const payload = await admin.mutate(
      CreateSegment,
      { name: segment.name, query: segment.query },
      (data) => data.segmentCreate,
    );
    return payload.segment!.id;
  } catch (error) {
    if (!(error instanceof AdminUserError && error.userErrors.some((e) => /taken/i.test(e.message)))) throw error;
    let after: string | null = null;
    do {
      const { segments }: Admin.SegmentPageQuery = await admin.request(SegmentPage, { after });
      const existing = segments.nodes.find((node) => node.name === segment.name);
      if (existing) return existing.id;
      after = segments.pageInfo.hasNextPage ? segments.pageInfo.endCursor : null;
    } while (after);
    throw error;
  }
}

/** Renames or requeries a segment; false when it no longer exists. */
export async function updateSegment(admin: AdminGateway, id: string, segment: SegmentDefinition): Promise<boolean> {
  const { segmentUpdate } = await admin.request(UpdateSegment, { id, ...segment });
  const errors = segmentUpdate?.userErrors ?? [];
  if (reportsGone(errors)) return false;
  if (errors.length) throw new AdminUserError(errors, "UpdateSegment", admin.shop);
  return true;
}

/** Deletes a segment; one already gone counts as deleted. */
export async function deleteSegment(admin: AdminGateway, id: string): Promise<void> {
  const { segmentDelete } = await admin.request(DeleteSegment, { id });
  const errors = segmentDelete?.userErrors ?? [];
  if (errors.length && !reportsGone(errors)) throw new AdminUserError(errors, "DeleteSegment", admin.shop);
}

/** The shop's customer segments (id and name), for the merchant to pick an audience from. */
export async function listSegments(admin: AdminGateway, max = 500): Promise<{ id: string; name: string }[]> {
  const found: { id: string; name: string }[] = [];
  let after: string | null = null;
  do {
    const { segments }: Admin.SegmentPageQuery = await admin.request(SegmentPage, { after });
    found.push(...segments.nodes.map((node) => ({ id: node.id, name: node.name })));
    after = segments.pageInfo.hasNextPage && found.length < max ? segments.pageInfo.endCursor : null;
  } while (after);
  return found.slice(0, max);
}

const SegmentMembersPage = adminOperation(`#graphql
  query SegmentMembersPage($segmentId: ID!, $after: String) {
    customerSegmentMembers(segmentId: $segmentId, first: 100, after: $after) {
      edges { node { id } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const CustomerSegmentMembership = adminOperation(`#graphql
  query CustomerSegmentMembership($customerId: ID!, $segmentIds: [ID!]!) {
    customerSegmentMembership(customerId: $customerId, segmentIds: $segmentIds) {
      memberships { segmentId isMember }
    }
  }
`);

/** A page of a segment's members: their Shopify customer ids, and the cursor of the next page (null at the end). */
export interface SegmentMembersPage {
  customerIds: string[];
  next: string | null;
}

/**
 * One page (100) of a segment's members, after `after` (null: the first page). A segment member's id
 * is the customer's (gid://shopify/CustomerSegmentMember/<customer id>). A page asks for 602 points
 * (the connection has no `nodes`; 100 is the most under the single-query limit of 1,000).
 */
export async function segmentMembersPage(
  admin: AdminGateway,
  segmentId: string,
  after: string | null,
): Promise<SegmentMembersPage> {
  const { customerSegmentMembers }: Admin.SegmentMembersPageQuery = await admin.request(SegmentMembersPage, {
    segmentId,
    after,
  });
  return {
    customerIds: customerSegmentMembers.edges.flatMap(({ node }) => {
      const id = legacyId(node.id);
      return id ? [id] : [];
    }),
    next: customerSegmentMembers.pageInfo.hasNextPage ? customerSegmentMembers.pageInfo.endCursor : null,
  };
}

/** Which of these segments (gids) the customer (numeric id) is in, as Shopify evaluates them now. */
export async function customerSegmentsAmong(
  admin: AdminGateway,
  customerId: string,
  segmentIds: string[],
): Promise<Set<string>> {
  if (!segmentIds.length) return new Set();
  const { customerSegmentMembership } = await admin.request(CustomerSegmentMembership, {
    customerId: `gid://shopify/Customer/${customerId}`,
    segmentIds,
  });
  return new Set(customerSegmentMembership.memberships.filter((m) => m.isMember).map((m) => m.segmentId));
}
