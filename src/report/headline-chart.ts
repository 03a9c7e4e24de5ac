/**
 * The headline as a chart: the join's P50 and P99 per layout at each headline rate (or the run's
 * workload without a headline), with the 95% bootstrap intervals as error bars where recorded.
 */
import type { Summary } from '../results/summary-schema.js';
import { VEGA_LITE_SCHEMA } from './charts.js';
import { JOIN_QUERY } from './main-section.js';
import type { Chart } from './section.js';
import { latencySources, validResults } from './verdicts/latency-sources.js';

const PERCENTILES = [
  ['P50', 'p50Ms'],
  ['P99', 'p99Ms'],
] as const;

export function headlineChart(s: Summary): Chart | null {
  const sources = latencySources(s);
  const layouts = Object.keys(s.layouts);
  const values = validResults(s, JOIN_QUERY).flatMap(({ source, layout, q }) =>
    PERCENTILES.flatMap(([percentile, k]) => {
      const v = q[k];
      const ci = q.intervals?.[k];
      return v === null ? [] : [{ source, layout, percentile, ms: v, loMs: ci?.loMs ?? null, hiMs: ci?.hiMs ?? null }];
    }),
  );
  if (!values.length) return null;
  const x = { field: 'layout', type: 'nominal', sort: layouts, title: null };
  const xOffset = { field: 'percentile', sort: PERCENTILES.map(([p]) => p) };
  // Log scale: P50 and P99 differ by an order of magnitude or more, and the P50's interval must stay readable.
  const y = { field: 'ms', type: 'quantitative', title: 'response time from the intended start (ms, log scale)', scale: { type: 'log' } };
  const color = { field: 'percentile', type: 'nominal', title: 'percentile' };
  return {
    id: 'headline-intervals',
    title: `The join (${JOIN_QUERY}): P50 and P99 per layout with 95% intervals`,
    after: 'verdicts',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: `${JOIN_QUERY}: P50 and P99 per layout; vertical lines: 95% bootstrap interval (where recorded)`,
      data: { values },
      facet: { column: { field: 'source', type: 'nominal', sort: sources.map((x) => x.label), title: null } },
      spec: {
        width: 240,
        height: 240,
        layer: [
          {
            transform: [{ filter: 'datum.loMs != null && datum.hiMs != null' }],
            mark: { type: 'rule', strokeWidth: 2 },
            encoding: { x, xOffset, y: { ...y, field: 'loMs' }, y2: { field: 'hiMs' }, color },
          },
          {
            mark: { type: 'point', filled: true, size: 70, tooltip: true },
            encoding: {
              x,
              xOffset,
              y,
              color,
              tooltip: [
                { field: 'layout', type: 'nominal' },
                { field: 'percentile', type: 'nominal' },
                { field: 'ms', type: 'quantitative', title: 'ms', format: '.2f' },
                { field: 'loMs', type: 'quantitative', title: '95% low, ms', format: '.2f' },
                { field: 'hiMs', type: 'quantitative', title: '95% high, ms', format: '.2f' },
              ],
            },
          },
        ],
      },
      config: { font: 'DejaVu Sans' },
    },
  };
}
