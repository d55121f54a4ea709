/// <reference lib="dom" />
// Plots drawn with uPlot (canvas): curves with one series per set (ROC) and overlaid histograms.
// Each chart sits in a <figure> with a caption and an accessible label; the series names are in
// uPlot's legend (DOM text). Colours are the Tableau palette, which stays distinct on white.
import uPlot from 'uplot';
import { h } from './dom';

export const SERIES_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] ?? '#1f77b4';
}

const WIDTH = 560;
const HEIGHT = 320;

export interface CurveSeries {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

const AXIS = { stroke: '#1a1a1a', grid: { stroke: '#e3e3e3' }, ticks: { stroke: '#bbbbbb' } };

/**
 * Curves with their own x values on one plot (e.g. ROC curves of every OOD set): the x values are
 * merged and each series has gaps where it has no point; at a repeated x the highest y is kept.
 */
export function curveChart(title: string, xLabel: string, yLabel: string, series: readonly CurveSeries[]): HTMLElement {
  const xs = [...new Set(series.flatMap((one) => one.points.map((point) => point.x)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((one) => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const point of one.points) {
      const i = index.get(point.x) ?? 0;
      const previous = column[i];
      column[i] = previous === null || previous === undefined ? point.y : Math.max(previous, point.y);
    }
    return column;
  });
  const figure = h('figure', {
    class: 'chart',
    'aria-label': `${title}: ${series.map((one) => one.label).join(', ')}`,
    'data-series-count': series.length,
  });
  const plot = new uPlot(
    {
      title,
      width: WIDTH,
      height: HEIGHT,
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      axes: [
        { ...AXIS, label: xLabel },
        { ...AXIS, label: yLabel },
      ],
      series: [
        { label: xLabel },
        ...series.map((one, i) => ({
          label: one.label,
          stroke: seriesColor(i),
          width: 2,
          spanGaps: true,
          points: { show: false },
        })),
      ],
      cursor: { drag: { x: false, y: false } },
    },
    [xs, ...ys] as uPlot.AlignedData,
    figure,
  );
  figure.dataset['seriesLabels'] = JSON.stringify(series.map((one) => one.label));
  void plot;
  return figure;
}

export interface HistogramSeries {
  readonly label: string;
  readonly counts: readonly number[];
}

/**
 * Overlaid histograms over shared bin edges, as filled step lines. `logCounts` puts the
 * count axis on a log scale (a bin holding 93 % of the images no longer flattens the others);
 * `range` limits the score axis to [lo, hi].
 */
export function histogramChart(
  title: string,
  edges: readonly number[],
  series: readonly HistogramSeries[],
  options: {
    logCounts: boolean;
    logScores?: boolean;
    range?: readonly [number, number];
    xLabel?: string;
    countLabel?: string;
  },
): HTMLElement {
  // Step lines over the bin edges: bin i spans [edges[i], edges[i+1]); the last count repeats to close it.
  const data = series.map((one) =>
    [...one.counts, one.counts[one.counts.length - 1] ?? 0].map((count) =>
      options.logCounts && count <= 0 ? null : count,
    ),
  );
  const figure = h('figure', {
    class: 'chart',
    'aria-label': `${title}: ${series.map((one) => one.label).join(' vs ')}`,
    'data-series-count': series.length,
    'data-count-scale': options.logCounts ? 'log' : 'linear',
    'data-score-scale': options.logScores === true ? 'log' : 'linear',
  });
  const xRange = options.range;
  new uPlot(
    {
      title,
      width: WIDTH,
      height: 260,
      scales: {
        x: {
          time: false,
          ...(options.logScores === true ? { distr: 3, log: 10 } : {}),
          ...(xRange !== undefined ? { range: [xRange[0], xRange[1]] as uPlot.Range.MinMax } : {}),
        },
        y: options.logCounts
          ? { distr: 3, log: 10 }
          : { range: (_u: uPlot, _min: number, max: number) => [0, Math.max(1, max)] },
      },
      axes: [
        {
          ...AXIS,
          label: `${options.xLabel ?? 'score (higher = more in-distribution)'}${options.logScores === true ? ' (log scale)' : ''}`,
        },
        { ...AXIS, label: `${options.countLabel ?? 'images'}${options.logCounts ? ' (log scale)' : ''}` },
      ],
      series: [
        { label: 'score' },
        ...series.map((one, i) => ({
          label: one.label,
          stroke: seriesColor(i),
          fill: `${seriesColor(i)}33`,
          width: 2,
          paths: uPlot.paths.stepped?.({ align: 1 }),
          points: { show: false },
        })),
      ],
      cursor: { drag: { x: false, y: false } },
    },
    [[...edges], ...data] as uPlot.AlignedData,
    figure,
  );
  figure.dataset['seriesLabels'] = JSON.stringify(series.map((one) => one.label));
  return figure;
}

/** Bar chart of counts per category (negatives per lexicographer file…), drawn as simple bars. */
export function barsChart(
  title: string,
  labels: readonly string[],
  counts: readonly number[],
  xLabel: string,
): HTMLElement {
  const figure = h('figure', { class: 'chart', 'aria-label': title, 'data-series-count': 1 });
  const positions = labels.map((_label, i) => i);
  new uPlot(
    {
      title,
      width: WIDTH,
      height: 240,
      scales: {
        x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] },
        y: { range: (_u: uPlot, _min: number, max: number) => [0, Math.max(1, max)] },
      },
      axes: [
        {
          ...AXIS,
          label: xLabel,
          values: (_u: uPlot, splits: number[]) =>
            splits.map((split) => (Number.isInteger(split) ? (labels[split] ?? '') : '')),
        },
        { ...AXIS, label: 'count' },
      ],
      series: [
        { label: xLabel },
        {
          label: 'count',
          stroke: seriesColor(0),
          fill: `${seriesColor(0)}66`,
          paths: uPlot.paths.bars?.({ size: [0.8, 60] }),
          points: { show: false },
        },
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
    },
    [positions, [...counts]] as uPlot.AlignedData,
    figure,
  );
  return figure;
}

/**
 * One value per integer position (a sweep's objective per grid point) as points joined by a line,
 * with one position marked by a larger point of another colour (the chosen point) and its own
 * legend entry. Non-finite values are gaps.
 */
export function pointsChart(
  title: string,
  axes: { readonly x: string; readonly y: string },
  values: readonly number[],
  marked: { readonly index: number; readonly label: string } | null,
): HTMLElement {
  const finite = values.map((value) => (Number.isFinite(value) ? value : null));
  const figure = h('figure', {
    class: 'chart',
    'aria-label': `${title}: ${values.length} points${marked === null ? '' : `, ${marked.label} at ${marked.index}`}`,
    'data-series-count': marked === null ? 1 : 2,
    'data-point-count': values.length,
  });
  const positions = values.map((_value, i) => i);
  new uPlot(
    {
      title,
      width: WIDTH,
      height: 260,
      scales: { x: { time: false, range: [-0.5, Math.max(0.5, values.length - 0.5)] } },
      axes: [
        {
          ...AXIS,
          label: axes.x,
          values: (_u: uPlot, splits: number[]) => splits.map((s) => (Number.isInteger(s) ? String(s) : '')),
        },
        { ...AXIS, label: axes.y },
      ],
      series: [
        { label: axes.x },
        { label: axes.y, stroke: seriesColor(0), width: 1.5, spanGaps: false, points: { show: true, size: 7 } },
        ...(marked === null
          ? []
          : [
              {
                label: marked.label,
                stroke: seriesColor(1),
                fill: seriesColor(1),
                width: 0,
                paths: () => null,
                points: { show: true, size: 14, fill: seriesColor(1), stroke: seriesColor(1) },
              },
            ]),
      ],
      cursor: { drag: { x: false, y: false } },
    },
    [
      positions,
      finite,
      ...(marked === null ? [] : [finite.map((value, i) => (i === marked.index ? value : null))]),
    ] as uPlot.AlignedData,
    figure,
  );
  return figure;
}
