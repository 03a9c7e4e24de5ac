/**
 * The workloads a latency verdict or chart reads: the headline's rates (equal open-loop load below
 * every capacity) when the run has them, else the run's one workload, each with how to name it.
 */
import type { Summary } from '../../results/summary-schema.js';
import type { WorkloadSummary } from '../../results/workload-schema.js';
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
