import { hash32 } from '../../seed/prng.js';
import { blockBootstrap } from '../measure/bootstrap.js';
import type { IntervalCounts } from '../measure/bootstrap.js';
import type { QueryResult } from '../results/workload-schema.js';

/** A stable seed from a label (layout/query): the same data always gives the same interval. */
export function seedOf(...labels: string[]): number {
  return hash32(...labels.flatMap((l) => [...l].map((c) => c.codePointAt(0)!)));
}

/**
 * 95% intervals of P50 and P99 from the per-interval response times of the valid repeats (one
 * array per measured window); see measure/bootstrap.ts for the method and why.
 */
export function latencyIntervals(windows: readonly (readonly IntervalCounts[])[], seed: number): NonNullable<QueryResult['intervals']> {
  const r = blockBootstrap(windows, { percentiles: [50, 99], seed });
  const ci = (i: number) => {
    const x = r.intervals[i];
    return x ? { loMs: x.loMs, hiMs: x.hiMs, logSe: x.logSe } : null;
  };
  return {
    method: 'moving-block-bootstrap',
    confidence: 0.95,
    blockLength: r.blockLength,
    blocks: r.blocks,
    resamples: r.resamples,
    p50Ms: ci(0),
    p99Ms: ci(1),
  };
}

/** Every query's interval counts added up, interval by interval (the "all queries" row). */
export function mergeIntervals(perQuery: readonly (readonly IntervalCounts[])[]): IntervalCounts[] {
  const n = Math.max(0, ...perQuery.map((q) => q.length));
  return Array.from({ length: n }, (_, i) => {
    const out = new Map<number, number>();
    for (const q of perQuery) for (const [v, c] of q[i] ?? []) out.set(v, (out.get(v) ?? 0) + c);
    return out;
  });
}
