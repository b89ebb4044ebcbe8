import type { PrismaClient } from "@prisma/client";
import type { ActionFunctionArgs, LoaderFunctionArgs, ServerBuild } from "@remix-run/node";
import { methodNotAllowed, onlyMethods, requireMethod } from "../app/http/methods.server";
import type { AdminApiDouble } from "./admin-api-double";
import { appBridgeScript, sandboxLogin } from "./admin-login";
import { posBundle, posFramePage, posPreviewPage } from "./pos-preview";
import {
  PREVIEW_PATH,
  assetResponse,
  cartAddAction,
  cartChangeAction,
  cartLoader,
  cartUpdateAction,
  forwardAppProxy,
  previewCustomer,
  previewPage,
  requireSandbox,
  signInCookie,
  type PreviewPage,
} from "./storefront/preview";
import { themeEditorPage, themeEditorSave } from "./theme-editor";

type RouteModule = ServerBuild["routes"][string]["module"];
type Handlers = Pick<RouteModule, "loader" | "action">;

const PAGES: PreviewPage[] = ["product", "collection", "cart", "account", "login", "rewards"];

/** The page, the language and currency the preview shows it in (`locale`, `currency`, `rate`), and `tally=off`. */
function keptQuery(url: URL, page: PreviewPage): string {
  const query = new URLSearchParams({ page });
  for (const name of ["locale", "currency", "rate", "tally"]) {
    const value = url.searchParams.get(name);
    if (value) query.set(name, value);
  }
  return query.toString();
}

/**
 * The sandbox's routes under `/sandbox/`, as Remix routes the server adds beside the build's own
 * (`startAppServer({ extraRoutes: sandboxRoutes })` in `npm run demo` and the tests). They are not
 * in app/, so the production build has none of them and `npm start` answers 404 there; each also
 * answers 404 unless TALLY_SANDBOX_SHOP is set, and always when NODE_ENV=production. Their
 * database is the build's own client (a second one would open the embedded database twice); the
 * theme editor changes the sandbox shop's theme in `double`, the local Admin API.
 */
export function sandboxRoutes(build: ServerBuild, double?: AdminApiDouble): ServerBuild["routes"] {
  const prisma = (build.entry.module as unknown as { prisma: PrismaClient }).prisma;
  const modules: Record<string, Handlers> = {
    // The admin outside Shopify: a session token as the admin hands it over, and App Bridge's fetch.
    "sandbox/login": { loader: ({ request }: LoaderFunctionArgs) => sandboxLogin(request), action: onlyMethods("GET") },
    "sandbox/app-bridge.js": { loader: appBridgeScript, action: onlyMethods("GET") },
    // Shopify's theme editor, where the checklist's link switches the app embed on (sandbox/theme-editor.ts).
    "sandbox/theme-editor": {
      loader: ({ request }: LoaderFunctionArgs) => themeEditorPage(double, request),
      action: ({ request }: ActionFunctionArgs) => themeEditorSave(double, request),
    },

    // The storefront as a shopper sees it, with the theme app extension's launcher and blocks
    // rendered from their Liquid (`?page=product|collection|cart|account|login|rewards`; `?customer=<id>|guest`
    // signs in or out; `&locale=fr&currency=EUR&rate=0.92` shows it in a language and currency;
    // `&tally=off` shows the page without Tally, as the Lighthouse bench compares).
    "sandbox/storefront": {
      loader: async ({ request }: LoaderFunctionArgs) => {
        requireSandbox();
        const url = new URL(request.url);
        const requested = url.searchParams.get("page") as PreviewPage | null;
        const page = requested && PAGES.includes(requested) ? requested : "product";
        const signIn = signInCookie(url.searchParams.get("customer"));
        if (signIn) {
          return new Response(null, {
            status: 303,
            headers: { Location: `${PREVIEW_PATH}?${keptQuery(url, page)}`, "Set-Cookie": signIn.setCookie },
          });
        }
        const launcherSettings = Object.fromEntries(
          [...url.searchParams]
            .filter(([name]) => name.startsWith("launcher."))
            .map(([name, value]) => [name.slice("launcher.".length), value]),
        );
        return previewPage(prisma, {
          page,
          customerId: previewCustomer(request),
          request,
          launcherSettings,
          withTally: url.searchParams.get("tally") !== "off",
        });
      },
      action: onlyMethods("GET"),
    },
    // The theme app extension's assets, as Shopify's CDN serves them.
    "sandbox/assets/:file": {
      loader: ({ params, request }: LoaderFunctionArgs) => assetResponse(params.file ?? "", request),
      action: onlyMethods("GET"),
    },
    // The cart page (`routes.cart_url`, where a theme sends the shopper): the preview's cart page.
    "sandbox/cart": {
      loader: ({ request }: LoaderFunctionArgs) => {
        requireSandbox();
        const query = keptQuery(new URL(request.url), "cart");
        return new Response(null, { status: 303, headers: { Location: `${PREVIEW_PATH}?${query}` } });
      },
      action: onlyMethods("GET"),
    },
    // The Cart AJAX API: `GET /cart.js`, `POST /cart/add.js` (`items`), `POST /cart/change.js` (a
    // line's quantity) and `POST /cart/update.js` (`discount` and `attributes`).
    "sandbox/cart.js": {
      loader: ({ request }: LoaderFunctionArgs) => cartLoader(prisma, request),
      action: onlyMethods("GET"),
    },
    "sandbox/cart/add.js": {
      loader: () => {
        requireSandbox();
        return methodNotAllowed(["POST"]);
      },
      action: ({ request }: ActionFunctionArgs) => {
        requireMethod(request, "POST");
        return cartAddAction(prisma, request);
      },
    },
    "sandbox/cart/change.js": {
      loader: () => {
        requireSandbox();
        return methodNotAllowed(["POST"]);
      },
      action: ({ request }: ActionFunctionArgs) => {
        requireMethod(request, "POST");
        return cartChangeAction(prisma, request);
      },
    },
    "sandbox/cart/update.js": {
      loader: () => {
        requireSandbox();
        return methodNotAllowed(["POST"]);
      },
      action: ({ request }: ActionFunctionArgs) => {
        requireMethod(request, "POST");
        return cartUpdateAction(prisma, request);
      },
    },
    // Shopify POS with Tally's POS extension (sandbox/pos-preview.ts): `?customer=<id>&locale=fr`.
    "sandbox/pos": { loader: ({ request }: LoaderFunctionArgs) => posPreviewPage(request), action: onlyMethods("GET") },
    "sandbox/pos/frame": {
      loader: ({ request }: LoaderFunctionArgs) => posFramePage(request),
      action: onlyMethods("GET"),
    },
    "sandbox/pos/tally-pos.js": {
      loader: ({ request }: LoaderFunctionArgs) => posBundle(request),
      action: onlyMethods("GET"),
    },
    // The App Proxy: `/sandbox/apps/tally/<path>` is signed as Shopify signs `/apps/tally/<path>`,
    // for the customer signed in to the preview, and forwarded to the app's `/proxy/<path>`.
    "sandbox/apps/tally/*": {
      loader: ({ request, params }: LoaderFunctionArgs) => forwardAppProxy(request, params["*"] ?? ""),
      action: ({ request, params }: ActionFunctionArgs) => forwardAppProxy(request, params["*"] ?? ""),
    },
  };
  return Object.fromEntries(
    Object.entries(modules).map(([path, handlers]) => [
      path,
      // No component: a resource route, whose loader's or action's Response is the answer.
      { id: path, parentId: "root", path, module: { ...handlers, default: undefined } },
    ]),
  );
}
