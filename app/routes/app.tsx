import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { authenticate } from "~/shopify.server";
import { sandboxShop } from "~/shopify/session-token.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  await authenticate.admin(request);
  return { apiKey: process.env.SHOPIFY_API_KEY || "", sandbox: sandboxShop() !== null };
}

// Outside the Shopify admin (npm run demo) App Bridge cannot load, so nothing would add the
// session token to the app's own data requests. This stands in for App Bridge's fetch.
const SANDBOX_FETCH_SHIM = `(() => {
  const fromUrl = new URLSearchParams(location.search).get("id_token");
  if (fromUrl) sessionStorage.setItem("tally-sandbox-token", fromUrl);
  const nativeFetch = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    const token = sessionStorage.getItem("tally-sandbox-token");
    if (url.origin !== location.origin || !token) return nativeFetch(input, init);
    const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    headers.set("Authorization", "Bearer " + token);
    return nativeFetch(input, { ...init, headers });
  };
})();`;

export default function App() {
  const { apiKey, sandbox } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      {sandbox ? <script dangerouslySetInnerHTML={{ __html: SANDBOX_FETCH_SHIM }} /> : null}
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch its thrown responses so the headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
