/**
 * The headline as a chart: the join's P50 and P99 per layout at each headline rate (or the run's
 * workload without a headline), with the 95% bootstrap intervals as error bars where recorded.
 */
import type { Summary } from '../results/summary-schema.js';
import { VEGA_LITE_SCHEMA } from './charts.js';
import { JOIN_QUERY } from './main-section.js';
import type { Chart } from './section.js';
import { latencySources } from './verdicts/latency-sources.js';

const PERCENTILES = [
  ['P50', 'p50Ms'],
  ['P99', 'p99Ms'],
] as const;

export function headlineChart(s: Summary): Chart | null {
  const sources = latencySources(s);
  const layouts = Object.keys(s.layouts);
  const values = sources.flatMap(({ label, workload }) =>
    layouts.flatMap((layout) => {
      const w = workload.layouts[layout as keyof typeof workload.layouts];
      const q = w?.status === 'ok' ? w.queries[JOIN_QUERY] : undefined;
      if (!q?.valid) return [];
      return PERCENTILES.flatMap(([percentile, k]) => {
        const v = q[k];
        const ci = q.intervals?.[k];
        return v === null ? [] : [{ source: label, layout, percentile, ms: v, loMs: ci?.loMs ?? null, hiMs: ci?.hiMs ?? null }];
      });
    }),
  );
  if (!values.length) return null;
  const x = { field: 'layout', type: 'nominal', sort: layouts, title: null };
  const xOffset = { field: 'percentile', sort: PERCENTILES.map(([p]) => p) };
  const y = { field: 'ms', type: 'quantitative', title: 'response time from the intended start (ms)' };
  return {
    id: 'headline-intervals',
    title: `The join (${JOIN_QUERY}): P50 and P99 per layout with 95% intervals`,
    after: 'verdicts',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: `${JOIN_QUERY}: P50 and P99 per layout; error bars: 95% bootstrap interval (where recorded)`,
      data: { values },
      facet: { column: { field: 'source', type: 'nominal', sort: sources.map((x) => x.label), title: null } },
      spec: {
        width: 240,
        height: 240,
        layer: [
          {
            mark: { type: 'bar', tooltip: true },
            encoding: { x, xOffset, y, color: { field: 'percentile', type: 'nominal', title: 'percentile' } },
          },
          {
            transform: [{ filter: 'datum.loMs != null && datum.hiMs != null' }],
            mark: { type: 'rule', color: 'black', strokeWidth: 1.5 },
            encoding: { x, xOffset, y: { field: 'loMs', type: 'quantitative' }, y2: { field: 'hiMs' } },
          },
        ],
      },
      config: { font: 'DejaVu Sans' },
    },
  };
}
