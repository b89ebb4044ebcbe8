import type { ActionFunctionArgs } from "@remix-run/node";
import { onlyMethods, requireMethod } from "~/http/methods.server";
import { z } from "zod";
import prisma from "~/db.server";
import { inTransaction } from "~/db/transaction.server";
import { awardAction } from "~/loyalty/actions/actions.server";
import { loadShop } from "~/loyalty/program/program.server";
import { invalidBody } from "~/http/invalid-body";
import { authenticateAdminApi, readJson } from "~/shopify/admin-api.server";

const actionBody = z.object({
  customerId: z.string().regex(/^\d{1,20}$/, "a Shopify customer id"),
  action: z.string().min(1),
  /** The event's own id (a review id, a follow id): the same event earns once. */
  eventId: z.string().min(1).max(200),
});

const STATUS = {
  awarded: 201,
  duplicate: 200,
  unknown_action: 404,
  limit_reached: 409,
  program_disabled: 409,
} as const;

export const loader = onlyMethods("POST");

/** POST /api/actions { customerId, action, eventId }: points for a custom action of the program. */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "POST");
  const { shop } = await authenticateAdminApi(request);
  const body = actionBody.safeParse(await readJson(request));
  if (!body.success) return invalidBody("invalid_action", body.error.issues);
  const loaded = await loadShop(prisma, shop.id);
  const result = await inTransaction(prisma, (tx) =>
    awardAction(tx, loaded, {
      customerId: body.data.customerId,
      actionKey: body.data.action,
      eventId: body.data.eventId,
      now: new Date(),
    }),
  );
  return Response.json(result, { status: STATUS[result.status] });
}
