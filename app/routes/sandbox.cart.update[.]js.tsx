import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { methodNotAllowed, requireMethod } from "~/http/methods.server";
import { cartUpdateAction, requireSandbox } from "~/storefront/preview/storefront.server";

/** The storefront preview's `POST /cart/update.js` (Cart AJAX API: `discount` and `attributes`), sandbox only. */
export function loader() {
  requireSandbox();
  return methodNotAllowed(["POST"]);
}

export function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "POST");
  return cartUpdateAction(prisma, request);
}
