import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import {
  PREVIEW_PATH,
  previewCustomer,
  previewPage,
  requireSandbox,
  signInCookie,
  type PreviewPage,
} from "~/storefront/preview/storefront.server";
import { onlyMethods } from "~/http/methods.server";

const PAGES: PreviewPage[] = ["product", "cart", "account", "login"];

/**
 * `npm run demo` only: the storefront as a shopper sees it, with the theme app extension's
 * launcher and blocks rendered from their Liquid (`?page=product|cart|account|login`;
 * `?customer=<id>|guest` signs in or out). 404 unless TALLY_SANDBOX_SHOP is set, and always
 * 404 when NODE_ENV=production.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  requireSandbox();
  const url = new URL(request.url);
  const requested = url.searchParams.get("page") as PreviewPage | null;
  const page = requested && PAGES.includes(requested) ? requested : "product";
  const signIn = signInCookie(url.searchParams.get("customer"));
  if (signIn) {
    return new Response(null, {
      status: 303,
      headers: { Location: `${PREVIEW_PATH}?page=${page}`, "Set-Cookie": signIn.setCookie },
    });
  }
  return previewPage(prisma, { page, customerId: previewCustomer(request), request });
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
