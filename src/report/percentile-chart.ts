/**
 * The latency percentile distribution (the HdrHistogram plot): response time against the percentile
 * on a log scale of 1 / (1 - p), so 50%, 90%, 99%, 99.9% are evenly spaced and the tail is visible,
 * per layout, for the join at each headline rate (or the run's workload). Read from the encoded
 * histograms in summary.json (merged over the valid repeats).
 */
import { LatencyHistogram } from '../measure/latency-histogram.js';
import type { Summary } from '../results/summary-schema.js';
import { VEGA_LITE_SCHEMA } from './charts.js';
import { JOIN_QUERY } from './main-section.js';
import type { Chart } from './section.js';
import { latencySources, validResults } from './verdicts/latency-sources.js';

/** Points per decade of 1 / (1 - p): about even on the log scale, with 2 (P50), 4 (P75), 5 (P80) and 10 (P90) exact. */
const PER_DECADE = [1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.4, 8];

/**
 * (1 / (1 - p), ms) from p = 0 up to the percentile one request stands for (1 - 1/count), then the
 * maximum: beyond that the histogram has nothing to say.
 */
export function percentileSeries(h: LatencyHistogram): { x: number; percentile: number; ms: number }[] {
  const n = h.count;
  if (n === 0) return [];
  const out: { x: number; percentile: number; ms: number }[] = [];
  for (let decade = 1; decade < n; decade *= 10) {
    for (const m of PER_DECADE) {
      const x = m * decade;
      if (x >= n) break;
      const percentile = 100 * (1 - 1 / x);
      out.push({ x, percentile, ms: h.percentileMs(percentile)! });
    }
  }
  out.push({ x: n, percentile: 100 * (1 - 1 / n), ms: h.maxMs()! });
  return out;
}

export function percentileChart(s: Summary): Chart | null {
  const sources = latencySources(s);
  const layouts = Object.keys(s.layouts);
  const values = validResults(s, JOIN_QUERY).flatMap(({ source, layout, q }) =>
    q.histogram ? percentileSeries(LatencyHistogram.decode(q.histogram)).map((p) => ({ source, layout, ...p })) : [],
  );
  if (!values.length) return null;
  const top = Math.max(...values.map((v) => v.x));
  const ticks = [2, 10, 100, 1000, 10_000, 100_000, 1_000_000].filter((t) => t <= top);
  return {
    id: 'latency-percentiles',
    title: `The join (${JOIN_QUERY}): latency by percentile per layout`,
    after: 'verdicts',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: `${JOIN_QUERY}: response time by percentile (HdrHistogram, valid repeats merged)`,
      data: { values },
      facet: { column: { field: 'source', type: 'nominal', sort: sources.map((x) => x.label), title: null } },
      spec: {
        width: 300,
        height: 240,
        mark: { type: 'line', interpolate: 'step-after', tooltip: true },
        encoding: {
          x: {
            field: 'x',
            type: 'quantitative',
            title: 'percentile',
            scale: { type: 'log', domain: [1, top], nice: false },
            axis: { values: ticks, labelExpr: "format(100 - 100 / datum.value, '.6~g') + '%'" },
          },
          y: { field: 'ms', type: 'quantitative', title: 'response time (ms, log scale)', scale: { type: 'log' } },
          color: { field: 'layout', type: 'nominal', sort: layouts },
          tooltip: [
            { field: 'layout', type: 'nominal' },
            { field: 'percentile', type: 'quantitative', format: '.4~f' },
            { field: 'ms', type: 'quantitative', title: 'ms', format: '.2f' },
          ],
        },
      },
      config: { font: 'DejaVu Sans' },
    },
  };
}
