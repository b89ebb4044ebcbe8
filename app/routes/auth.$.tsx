import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { onlyMethods } from "~/http/methods.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await authenticate.admin(request);
  return null;
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
