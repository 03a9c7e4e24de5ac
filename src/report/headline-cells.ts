/**
 * A latency cell of a headline workload: the figure, with its 95% interval when the summary has one
 * (the `intervals` of a query result, bootstrap over measured intervals), or why it is missing.
 */
import type { LayoutWorkload, QueryResult, WorkloadSummary } from '../results/workload-schema.js';
import { notMeasured } from './not-measured.js';
import type { Cell } from './section.js';

type Key = 'p50Ms' | 'p99Ms';
type WithIntervals = { intervals?: Partial<Record<Key, { loMs: number; hiMs: number } | null>> | null };

const fmt = (x: number, digits: number) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function latencyCell(w: LayoutWorkload | undefined, query: string, k: Key, digits = 2): Cell {
  if (!w) return notMeasured('workload did not run on this layout');
  if (w.status !== 'ok') return notMeasured(w.reason ?? 'workload did not run on this layout');
  const q = w.queries[query];
  if (!q) return notMeasured(`${query} not in the mix`);
  const v = q[k];
  if (v === null)
    return notMeasured(q.valid ? 'no request completed' : `invalid (${w.invalidReasons.join('; ') || 'load generator saturated'})`);
  const ci = (q as QueryResult & WithIntervals).intervals?.[k];
  const cell = ci ? `${fmt(v, digits)} [${fmt(ci.loMs, digits)}, ${fmt(ci.hiMs, digits)}]` : v;
  return q.valid ? cell : `${typeof cell === 'number' ? fmt(cell, digits) : cell} (invalid)`;
}

/**
 * The layouts whose headline stream was not below saturation: all queries together (the mix picks a
 * query at random, so one query's count is noisy, the stream's is not) completed short of the
 * scheduled rate by more than 2%, dropped requests, or were invalid (generator-limited), as "layout: why".
 */
export function saturatedWindows(ws: WorkloadSummary): string[] {
  const out: string[] = [];
  for (const [layout, l] of Object.entries(ws.layouts)) {
    const why = saturationReasons(l);
    if (why.length) out.push(`${layout}: ${why.join(', ')}`);
  }
  return out;
}

/** Why one measured stream was not below saturation (see saturatedWindows); empty when it was, or did not run. */
export function saturationReasons(l: LayoutWorkload): string[] {
  const q = l.all;
  if (!q || l.status !== 'ok') return [];
  const why: string[] = [];
  if (q.offeredPerS && q.throughputPerS !== null && q.throughputPerS < 0.98 * q.offeredPerS)
    why.push(`achieved ${q.throughputPerS.toFixed(1)} of ${q.offeredPerS.toFixed(1)} req/s scheduled`);
  if ((q.dropped ?? 0) > 0) why.push(`${q.dropped} dropped`);
  if (!q.valid) why.push(`invalid (${l.invalidReasons.join('; ') || 'generator-limited'})`);
  return why;
}

/**
 * The pgbench reference's cells for one headline row (headline.reference): its P50 and P99 on the
 * same SQL at this query's rate in the headline stream, and tenantbench / pgbench. Where pgbench did
 * not measure the query (a write, pgbench missing, through PgBouncer, not a reference query) the
 * P50 cell says why and the others stay empty.
 */
export function referenceCells(w: LayoutWorkload | undefined, query: string): { pgP50: Cell; pgP99: Cell; p50Ratio: Cell; p99Ratio: Cell } {
  const none = (why: string) => ({ pgP50: notMeasured(why), pgP99: null, p50Ratio: null, p99Ratio: null });
  const ref = w?.reference;
  if (w?.status !== 'ok') return none('workload did not run on this layout');
  if (!ref) return none('pgbench did not run on this layout');
  const pg = ref.queries[query];
  if (!pg) return none(ref.reason ?? `pgbench ran ${Object.keys(ref.queries).join(', ')} only (headline.reference.queries)`);
  if (!pg.measured) return none(pg.reason);
  const q = w.queries[query];
  const ratio = (a: number | null | undefined, b: number | null): Cell =>
    q?.valid && a !== null && a !== undefined && b ? `${(a / b).toFixed(2)}x` : null;
  return { pgP50: pg.p50Ms, pgP99: pg.p99Ms, p50Ratio: ratio(q?.p50Ms, pg.p50Ms), p99Ratio: ratio(q?.p99Ms, pg.p99Ms) };
}
