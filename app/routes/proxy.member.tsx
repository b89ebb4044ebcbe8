import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticateAppProxy } from "~/shopify/app-proxy.server";
import { memberView } from "~/storefront/api.server";

/** GET /apps/tally/member: the signed-in shopper's points, rewards and codes; the program for a guest. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { shop, customerId } = await authenticateAppProxy(request);
  return Response.json(await memberView(prisma, shop, customerId), { headers: { "Cache-Control": "private, no-store" } });
}
