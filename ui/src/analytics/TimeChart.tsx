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
  /** Formats the y axis's labels together (one number of decimals for all), in place of formatValue. */
  formatTicks?: (ticks: number[]) => string[];
  /** The smallest y-axis step `formatValue` tells apart (1 for whole milliseconds): finer ticks would repeat a label. */
  minStep?: number;
  height?: number;
  testId?: string;
}

/** A uPlot line chart over time that follows its container's width. */
/** Room for the y axis's longest label (about 7 px a character at the axis font, and the ticks). */
const axisWidth = (_chart: uPlot, labels: string[] | null) => Math.max(50, ...(labels ?? []).map((label) => String(label).length * 7 + 22));

/** Tick steps of 1, 2 and 5 times a power of ten, from `min` up. */
function stepsFrom(min: number): number[] {
  const steps: number[] = [];
  for (let magnitude = min; magnitude < 1e15; magnitude *= 10) for (const factor of [1, 2, 5]) steps.push(Number((magnitude * factor).toPrecision(12)));
  return steps;
}

export function TimeChart({ title, times, series, formatValue = String, formatTicks, minStep, height = 220, testId }: TimeChartProps) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const format = (value: number | null) => (value === null ? '–' : formatValue(value));
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 300),
      height,
      series: [{}, ...series.map((line) => ({ label: line.label, stroke: line.color, width: 2, spanGaps: false, value: (_chart: uPlot, value: number | null) => format(value) }))],
      axes: [{}, { values: (_chart, ticks) => (formatTicks ? formatTicks(ticks) : ticks.map((tick) => format(tick))), size: axisWidth, ...(minStep !== undefined && { incrs: stepsFrom(minStep) }) }],
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
  }, [times, series, formatValue, formatTicks, minStep, height]);

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="chart-title">{title}</figcaption>
      <div ref={container} className="chart-canvas" />
    </figure>
  );
}
