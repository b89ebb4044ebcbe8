import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { recordFlowLifecycle } from "~/loyalty/points/flow-events.server";
import { receiveFlowLifecycle } from "~/edge/flow-lifecycle.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

/** Flow says whether a shop has workflows on one of Tally's triggers (extensions/flow-lifecycle). */
export async function action({ request }: ActionFunctionArgs) {
  const { shop, callback } = await receiveFlowLifecycle(request);
  await recordFlowLifecycle(prisma, shop.id, callback);
  return new Response(null, { status: 200 });
}
