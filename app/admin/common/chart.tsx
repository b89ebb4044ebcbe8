import { Box, SkeletonBodyText } from "@shopify/polaris";
import { lazy, Suspense, useEffect, useState, type ReactNode } from "react";

/**
 * polaris-viz's charts, loaded on demand: the chart library stays out of the page's first load
 * (docs/benchmark.md). Pages import charts from here, never from "@shopify/polaris-viz".
 */
export const LineChart = lazy(() =>
  import("./polaris-viz-charts").then((charts) => ({ default: charts.VizLineChart })),
);
export const BarChart = lazy(() => import("./polaris-viz-charts").then((charts) => ({ default: charts.VizBarChart })));

/**
 * A chart's box of fixed height: polaris-viz measures the page, so it draws in the browser only,
 * once its code has loaded; a skeleton holds the place meanwhile (no layout shift). `name` marks
 * the box for tests.
 */
export function ChartBox({ height, name, children }: { height: number; name?: string; children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const skeleton = (
    <Box paddingBlockStart="200">
      <SkeletonBodyText lines={4} />
    </Box>
  );
  return (
    <div style={{ height }} data-chart={name ?? ""}>
      {mounted ? <Suspense fallback={skeleton}>{children}</Suspense> : skeleton}
    </div>
  );
}
