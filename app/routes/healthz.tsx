import prisma from "~/db.server";

/** 200 once the database answers; 503 otherwise (load balancers and `npm run demo` poll it). */
export async function loader() {
  try {
    await prisma.$queryRaw`SELECT 1`;
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false }, { status: 503 });
  }
}
