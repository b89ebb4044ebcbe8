import prisma from "~/db.server";
import { programCost } from "~/loyalty/reports/program-cost.server";
import { roiBounds, roiRangeSchema } from "~/loyalty/reports/roi";
import { roiFigures } from "~/loyalty/reports/roi.server";
import { holdoutStatus, incrementalityEstimate } from "~/loyalty/reports/incrementality.server";
import { adminProgram } from "../common/admin-context.server";

/**
 * The ROI page (issue 25, docs/roi.md) over `?from=YYYY-MM&to=YYYY-MM`; a range that does not
 * validate is a 400. With it the incrementality estimate and the holdout's setting and state.
 */
export async function roiPageData(request: Request) {
  const { shop, program, revision } = await adminProgram(request);
  const now = new Date();
  const url = new URL(request.url);
  const range = roiRangeSchema(now).safeParse({
    from: url.searchParams.get("from") || undefined,
    to: url.searchParams.get("to") || undefined,
  });
  if (!range.success) {
    throw new Response("from and to are months (YYYY-MM), from before to, five years at most", { status: 400 });
  }
  const [figures, cost, incrementality, holdout] = await Promise.all([
    roiFigures(prisma, shop.id, range.data, now),
    programCost(prisma, shop, range.data),
    incrementalityEstimate(prisma, shop.id, program.holdout, roiBounds(range.data, now), now),
    holdoutStatus(prisma, shop.id, program.holdout, now),
  ]);
  return { figures, cost, incrementality, holdout, program, revision };
}
