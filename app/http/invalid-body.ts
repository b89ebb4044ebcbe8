/** A 422 naming each wrong field of a request body. */
export function invalidBody(error: string, issues: { path: PropertyKey[]; message: string }[]): Response {
  return Response.json(
    { error, issues: issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })) },
    { status: 422 },
  );
}
