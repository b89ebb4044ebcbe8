import type { HeadersFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import type { loader as adminLoader } from "./routes/app";

// A page that ends in the root's error page keeps its error's headers (a 405's `Allow`).
export const headers: HeadersFunction = ({ errorHeaders }) => errorHeaders ?? new Headers();

export default function App() {
  // The admin's pages are in the merchant's language (routes/app picks it); the rest in English.
  const language = useRouteLoaderData<typeof adminLoader>("routes/app")?.language ?? "en";
  return (
    <html lang={language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
