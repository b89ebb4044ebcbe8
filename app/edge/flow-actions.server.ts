import { z } from "zod";
import prisma from "~/db.server";
import { flowActionByHandle, type FlowActionName } from "~/loyalty/flow-actions/flow-actions";
import type { FlowActionRunInput } from "~/loyalty/flow-actions/flow-actions.server";
import { findInstalledShop, type InstalledShop } from "~/loyalty/program/shops.server";
import { authenticateFlowRequest, shopNotInstalled } from "./flow-auth.server";

/** A Flow action request's body, as Flow documents it; `properties` are the action's fields by key. */
const actionRequest = z.object({
  shop_id: z.union([z.number(), z.string()]),
  shopify_domain: z.string().min(1),
  action_run_id: z.string().min(1).max(200),
  action_definition_id: z.string().optional(),
  handle: z.string().min(1),
  properties: z.record(z.string(), z.unknown()),
});

const badRequest = (message: string) => Response.json({ error: "invalid_payload", message }, { status: 400 });

/**
 * Authenticates a Flow action run posted to /flow/actions/<handle> and parses it: no or bad
 * signature → 401; a handle Tally does not have → 404; a body that is not an action request, or
 * names another action than its URL → 400; a signed request for a shop without Tally → 404.
 */
export async function receiveFlowAction(
  request: Request,
  handle: string | undefined,
): Promise<{ shop: InstalledShop; run: FlowActionRunInput }> {
  const { payload } = await authenticateFlowRequest(request);
  const action: FlowActionName | null = flowActionByHandle(handle ?? "");
  if (!action)
    throw Response.json({ error: "unknown_action", message: `Tally has no action "${handle}".` }, { status: 404 });
  const parsed = actionRequest.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(`Not a Flow action request: ${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  if (parsed.data.handle !== handle) throw badRequest(`This URL runs "${handle}", not "${parsed.data.handle}".`);
  const shop = await findInstalledShop(prisma, parsed.data.shopify_domain);
  if (!shop) throw shopNotInstalled();
  return {
    shop,
    run: {
      action,
      handle,
      runId: parsed.data.action_run_id,
      properties: parsed.data.properties,
      now: new Date(),
    },
  };
}
