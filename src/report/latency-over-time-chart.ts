/**
 * Latency over time per layout from the bundle's interval CSV (workload-intervals.csv: P50 and P99
 * of every interval of each measured window), one panel per repeat: a warm-up that was too short or
 * a cache that warms or cools within the window shows as a trend.
 */
import type { Summary } from '../results/summary-schema.js';
import { VEGA_LITE_SCHEMA } from './charts.js';
import { INTERVALS_CSV, type IntervalRow } from './load-intervals.js';
import type { Chart } from './section.js';
import { perS } from './verdicts/verdict-format.js';

export function latencyOverTimeChart(s: Summary, rows: readonly IntervalRow[] | null | undefined): Chart | null {
  if (!rows?.length) return null;
  const layouts = Object.keys(s.layouts);
  const values = rows.flatMap((r) =>
    (
      [
        ['P50', r.p50Ms],
        ['P99', r.p99Ms],
      ] as const
    ).flatMap(([percentile, ms]) =>
      ms !== null && ms > 0 ? [{ repeat: `repeat ${r.repeat + 1}`, layout: r.layout, atS: r.atS, percentile, ms }] : [],
    ),
  );
  if (!values.length) return null;
  // The CSV holds the workload stage's last run: with a headline, its highest rate.
  const lastRate = s.headline?.rates.at(-1)?.ratePerS;
  const what = lastRate !== undefined ? `all queries at ${perS(lastRate)} (the highest headline rate)` : 'all queries of the workload';
  return {
    id: 'latency-over-time',
    title: `Latency over time per layout: ${what}, from ${INTERVALS_CSV}`,
    after: 'verdicts',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: `P50 and P99 per interval of the measured window, ${what}`,
      data: { values },
      facet: { column: { field: 'repeat', type: 'nominal', title: null } },
      spec: {
        width: 300,
        height: 220,
        mark: { type: 'line', tooltip: true },
        encoding: {
          x: { field: 'atS', type: 'quantitative', title: 'seconds into the measured window' },
          y: { field: 'ms', type: 'quantitative', title: 'response time (ms, log scale)', scale: { type: 'log' } },
          color: { field: 'layout', type: 'nominal', sort: layouts },
          strokeDash: { field: 'percentile', type: 'nominal', sort: ['P50', 'P99'] },
          detail: { field: 'percentile' },
        },
      },
      config: { font: 'DejaVu Sans' },
    },
  };
}
