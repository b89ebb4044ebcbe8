import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { cartLoader } from "~/storefront/preview/storefront.server";
import { onlyMethods } from "~/http/methods.server";

/** The storefront preview's `GET /cart.js` (Cart AJAX API), sandbox only. */
export function loader({ request }: LoaderFunctionArgs) {
  return cartLoader(prisma, request);
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
