import prisma from "~/db.server";
import { onlyMethods } from "~/http/methods.server";

/** 200 once the database answers; 503 otherwise (load balancers and `npm run demo` poll it). */
export async function loader() {
  try {
    await prisma.$queryRaw`SELECT 1`;
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false }, { status: 503 });
  }
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
