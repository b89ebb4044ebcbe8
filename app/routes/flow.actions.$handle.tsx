import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { receiveFlowAction } from "~/edge/flow-actions.server";
import { runFlowAction } from "~/loyalty/flow-actions/flow-actions.server";
import { rejectNonPost } from "~/shopify/webhooks.server";

export const loader = rejectNonPost;

/** Shopify Flow runs one of Tally's actions (extensions/tally-*: flow_action, runtime_url /flow/actions/<handle>). */
export async function action({ request, params }: ActionFunctionArgs) {
  const { shop, run } = await receiveFlowAction(request, params.handle);
  const outcome = await runFlowAction(prisma, shop, run);
  return Response.json(outcome.body, { status: outcome.status });
}
