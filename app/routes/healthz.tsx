import { database } from "~/db.server";
import { databaseHealth } from "~/db/health.server";
import { onlyMethods } from "~/http/methods.server";

/**
 * 200 once the database answers and has every migration of this build; 503 otherwise, with
 * the reason (load balancers, orchestrators and `npm run demo` poll it).
 */
export async function loader() {
  await database.ready.catch(() => undefined);
  const health = await databaseHealth(database.prisma);
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
