import prisma from "~/db.server";
import { roiRangeSchema } from "~/loyalty/reports/roi";
import { programCost } from "~/loyalty/reports/program-cost.server";
import { roiFigures } from "~/loyalty/reports/roi.server";
import { adminContext } from "../common/admin-context.server";

/** The ROI page (issue 25, docs/roi.md) over `?from=YYYY-MM&to=YYYY-MM`; a range that does not validate is a 400. */
export async function roiPageData(request: Request) {
  const { shop } = await adminContext(request);
  const now = new Date();
  const url = new URL(request.url);
  const range = roiRangeSchema(now).safeParse({
    from: url.searchParams.get("from") || undefined,
    to: url.searchParams.get("to") || undefined,
  });
  if (!range.success) {
    throw new Response("from and to are months (YYYY-MM), from before to, five years at most", { status: 400 });
  }
  const [figures, cost] = await Promise.all([
    roiFigures(prisma, shop.id, range.data, now),
    programCost(prisma, shop, range.data),
  ]);
  return { figures, cost };
}
