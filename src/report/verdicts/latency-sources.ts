/**
 * The workloads a latency verdict or chart reads: the headline's rates (equal open-loop load below
 * every capacity) when the run has them, else the run's one workload, each with how to name it.
 */
import type { Summary } from '../../results/summary-schema.js';
import type { QueryResult, WorkloadSummary } from '../../results/workload-schema.js';
import { perS } from './verdict-format.js';

export interface LatencySource {
  /** "at 50 req/s (open loop, 25% of the lowest capacity)", "in the workload (closed loop, 8 users)". */
  label: string;
  /** The load alone: "50 req/s, open loop, 25% of the lowest capacity", "closed loop, 8 users". */
  condition: string;
  workload: WorkloadSummary;
}

export function latencySources(s: Summary): LatencySource[] {
  if (s.headline?.rates.length)
    return s.headline.rates.map((r) => {
      const share = `open loop, ${+(r.fraction * 100).toFixed(1)}% of the lowest capacity`;
      return { label: `at ${perS(r.ratePerS)} (${share})`, condition: `${perS(r.ratePerS)}, ${share}`, workload: r.workload };
    });
  const w = s.workload;
  if (!w) return [];
  const how = w.config.mode === 'closed' ? `closed loop, ${w.config.users} users` : `open loop, ${perS(w.config.ratePerS ?? 0)}`;
  return [{ label: `in the workload (${how})`, condition: how, workload: w }];
}

/** A query's valid result per source and layout (layouts in the run's order): what the charts draw. */
export function validResults(s: Summary, query: string): { source: string; layout: string; q: QueryResult }[] {
  return latencySources(s).flatMap(({ label, workload }) =>
    Object.keys(s.layouts).flatMap((layout) => {
      const w = workload.layouts[layout as keyof typeof workload.layouts];
      const q = w?.status === 'ok' ? w.queries[query] : undefined;
      return q?.valid ? [{ source: label, layout, q }] : [];
    }),
  );
}
