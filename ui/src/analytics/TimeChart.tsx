import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  /** One value per x; null draws a gap. */
  values: Array<number | null>;
}

interface TimeChartProps {
  title: string;
  /** Bucket starts, as ISO times. */
  times: string[];
  series: ChartSeries[];
  /** Formats the y axis and the legend's values. */
  formatValue?: (value: number) => string;
  height?: number;
  testId?: string;
}

/** A uPlot line chart over time that follows its container's width. */
export function TimeChart({ title, times, series, formatValue = String, height = 220, testId }: TimeChartProps) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const format = (value: number | null) => (value === null ? '–' : formatValue(value));
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 300),
      height,
      series: [{}, ...series.map((line) => ({ label: line.label, stroke: line.color, width: 2, spanGaps: false, value: (_chart: uPlot, value: number | null) => format(value) }))],
      axes: [{}, { values: (_chart, ticks) => ticks.map((tick) => format(tick)), size: 70 }],
      scales: { y: { range: (_chart, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
      legend: { live: true },
    };
    const data: uPlot.AlignedData = [times.map((time) => Date.parse(time) / 1000), ...series.map((line) => line.values)];
    const chart = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 300), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [times, series, formatValue, height]);

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="chart-title">{title}</figcaption>
      <div ref={container} className="chart-canvas" />
    </figure>
  );
}
