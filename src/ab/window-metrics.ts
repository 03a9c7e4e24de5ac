import type { LayoutWorkload } from '../results/workload-schema.js';
import type { Worse } from './paired-verdict.js';

/** The metrics `ab` decides on, per query of the mix and for the whole mix ("all"). */
export const AB_METRICS = [
  { id: 'p50', label: 'P50', field: 'p50Ms', worse: 'higher' },
  { id: 'p99', label: 'P99', field: 'p99Ms', worse: 'higher' },
  { id: 'throughput', label: 'throughput', field: 'throughputPerS', worse: 'lower' },
] as const satisfies readonly { id: string; label: string; field: string; worse: Worse }[];

export type AbMetricId = (typeof AB_METRICS)[number]['id'];

/** One measured window's figures: `query/metric` -> value (null: not measured, or the window was invalid). */
export interface WindowFigures {
  valid: boolean;
  invalidReasons: string[];
  values: Record<string, number | null>;
}

export const metricKey = (query: string, metric: AbMetricId) => `${query}/${metric}`;

/**
 * A window's figures from its workload summary (one segment summarized, or a one-repeat bundle's
 * layout). An invalid window (a generator-limited or saturated one) has no figures: its values are
 * null, so its pair is left out of every verdict rather than judged on the client's numbers.
 */
export function windowFigures(l: LayoutWorkload): WindowFigures {
  const values: Record<string, number | null> = {};
  const queries: [string, LayoutWorkload['all']][] = [...Object.entries(l.queries), ['all', l.all]];
  for (const [name, q] of queries) {
    for (const m of AB_METRICS) values[metricKey(name, m.id)] = l.valid && q ? (q[m.field] ?? null) : null;
  }
  const ok = l.status === 'ok';
  if (!ok) for (const k of Object.keys(values)) values[k] = null;
  return { valid: l.valid && ok, invalidReasons: ok ? l.invalidReasons : [l.reason ?? `status ${l.status}`], values };
}
