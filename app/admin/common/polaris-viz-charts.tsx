import { BarChart, LineChart, PolarisVizProvider, type BarChartProps, type LineChartProps } from "@shopify/polaris-viz";

// polaris-viz (with d3 and react-spring) is about 120 KB gzip: import it only through ./chart.tsx,
// which loads this module on demand so no page's first load carries it.

export function VizLineChart(props: LineChartProps) {
  return (
    <PolarisVizProvider>
      <LineChart {...props} />
    </PolarisVizProvider>
  );
}

export function VizBarChart(props: BarChartProps) {
  return (
    <PolarisVizProvider>
      <BarChart {...props} />
    </PolarisVizProvider>
  );
}
