/**
 * Every route says which methods it serves. Remix answers a method a route has no handler for
 * with "Unexpected Server Error" (400/405, no `Allow`), so each route exports a refusal for the
 * handler it lacks and checks the method where one handler serves several.
 */

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

/** GET implies HEAD: Remix serves both from the loader. */
const allowHeader = (allowed: readonly Method[]) =>
  [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : [])].join(", ");

/** 405 naming the methods the route does serve. */
export function methodNotAllowed(allowed: readonly Method[]): Response {
  return Response.json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: allowHeader(allowed) } });
}

/**
 * The loader or action of a route that has none for these requests: `export const action =
 * onlyMethods("GET")`. Thrown, so that a page route's `headers` pass `Allow` on as error headers.
 */
export const onlyMethods =
  (...allowed: Method[]) =>
  (): never => {
    throw methodNotAllowed(allowed);
  };

/** Inside a handler that Remix also calls for other methods (an action gets PUT, PATCH and DELETE too). */
export function requireMethod(request: Request, ...allowed: Method[]): void {
  const method = request.method.toUpperCase() as Method;
  if (!allowed.includes(method) && !(method === ("HEAD" as Method) && allowed.includes("GET")))
    throw methodNotAllowed(allowed);
}
