import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { onlyMethods } from "~/http/methods.server";

/** Shopify opens the app at its URL with `?shop=…`; everything lives under /app. */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  throw redirect("/auth/login");
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
