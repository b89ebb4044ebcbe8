import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { cartUpdateAction, requireSandbox } from "~/storefront/preview/storefront.server";

/** The storefront preview's `POST /cart/update.js` (Cart AJAX API: `discount` and `attributes`), sandbox only. */
export function loader() {
  requireSandbox();
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}

export function action({ request }: ActionFunctionArgs) {
  return cartUpdateAction(prisma, request);
}
