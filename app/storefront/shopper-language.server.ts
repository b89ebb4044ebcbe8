import type { ShopperLanguage } from "~/languages";
import { matchAcceptLanguage, matchLanguage } from "~/language-match";
import { shopperText } from "~/shopper-text/shopper-text";

/**
 * The shopper's language: the `locale` the storefront names (the theme's `request.locale`, an
 * extension's `shopify.localization`), else the browser's Accept-Language, else English.
 */
export function shopperLanguage(request: Request): ShopperLanguage {
  const locale = new URL(request.url).searchParams.get("locale");
  return locale ? matchLanguage(locale) : matchAcceptLanguage(request.headers.get("Accept-Language"));
}

/**
 * An error answer (`{ error: "<code>" }`) gains `message`, the code said in the shopper's
 * language for the widget to show as it is; the code stays for the clients that act on it.
 */
export async function withShopperMessage(response: Response, language: ShopperLanguage): Promise<Response> {
  if (response.status < 400 || !response.headers.get("Content-Type")?.startsWith("application/json")) return response;
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  if (!isErrorBody(body) || body.message !== undefined) return response;
  const missing =
    typeof body.pointsNeeded === "number" && typeof body.balance === "number"
      ? body.pointsNeeded - body.balance
      : undefined;
  // A reason (`store_credit_disabled`, Shopify's `credit_limit_exceeded`) may have words of its own.
  const keys = typeof body.reason === "string" ? [`${body.error}_${body.reason}`, body.error] : [body.error];
  const message = shopperText(language, "errors")([...keys, "unknown"], { missing });
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return Response.json({ ...body, message }, { status: response.status, statusText: response.statusText, headers });
}

const isErrorBody = (body: unknown): body is { error: string; [key: string]: unknown } =>
  typeof body === "object" && body !== null && typeof (body as { error?: unknown }).error === "string";

/**
 * A shopper-facing route's handler whose every error answer, returned or thrown (the App Proxy's
 * and extensions' authentication throw theirs), carries its message in the shopper's language.
 */
export function inShopperLanguage<Args extends { request: Request }>(handler: (args: Args) => Promise<Response>) {
  return async (args: Args): Promise<Response> => {
    const response = await handler(args).catch((error: unknown) => {
      if (error instanceof Response) return error;
      throw error;
    });
    return withShopperMessage(response, shopperLanguage(args.request));
  };
}
