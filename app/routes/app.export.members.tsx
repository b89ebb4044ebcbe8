import type { LoaderFunctionArgs } from "@remix-run/node";
import { adminContext } from "~/admin/common/admin-context.server";
import prisma from "~/db.server";
import { csvStream, memberCsvChunks } from "~/loyalty/members/export.server";
import { onlyMethods } from "~/http/methods.server";

/** GET /app/export/members: the shop's members as CSV, streamed a page at a time. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  return new Response(csvStream(memberCsvChunks(prisma, shop.id)), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="tally-members.csv"',
      "Cache-Control": "no-store",
    },
  });
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
