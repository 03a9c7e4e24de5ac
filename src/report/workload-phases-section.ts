/**
 * Where a request's time goes: generator lateness, router acquire (queueing in the router,
 * connecting, BEGIN + context), the query and COMMIT round trips, and the server's own execution
 * time (pg_stat_statements), per layout and query; and which of them the tail comes from.
 */
import type { Summary } from '../results/summary-schema.js';
import { NOT_MEASURED, notMeasured } from './not-measured.js';
import { type Cell, type Section, sectionOf } from './section.js';
import { MIN_TAIL_FRACTION, MIN_TAIL_SHARE, tailAttribution } from './tail-attribution.js';
import { workloadLayouts } from './workload-section.js';
import { MIN_CLIENT_WAIT_SHARE, MIN_QUEUED_MEAN_MS, MIN_QUEUED_SHARE } from '../workload/generator-limits.js';

type ServerTime = { reason: string | null; queries: Record<string, { calls: number; totalExecMs: number; meanExecMs: number | null }> };

/** Mean server execution time of a query (pg_stat_statements), or why it is unknown. */
function serverMeanOf(st: ServerTime | null | undefined, query: string): Cell {
  if (!st) return NOT_MEASURED;
  if (st.reason) return notMeasured(st.reason);
  if (query === '(all queries)') {
    const qs = Object.values(st.queries);
    const calls = qs.reduce((a, x) => a + x.calls, 0);
    return calls ? qs.reduce((a, x) => a + x.totalExecMs, 0) / calls : NOT_MEASURED;
  }
  return st.queries[query]?.meanExecMs ?? NOT_MEASURED;
}

type Backends = { reason: string | null; activeShare: number | null; idleInTransactionShare: number | null; idleShare: number | null };

/** A share of the sampled server backends, %, or why it is unknown (older bundles, not sampled). */
function backendShare(b: Backends | null | undefined, k: 'activeShare' | 'idleInTransactionShare' | 'idleShare'): Cell {
  if (!b) return NOT_MEASURED;
  if (b.reason) return notMeasured(b.reason);
  const x = b[k];
  return x === null ? NOT_MEASURED : x * 100;
}

export function workloadPhasesSection(s: Summary): Section | null {
  const phased = workloadLayouts(s).filter(([, w]) => Object.values(w.queries).some((q) => q.phases));
  if (!phased.length) return null;
  const rows: Record<string, Cell>[] = [];
  for (const [name, w] of phased) {
    const entries = Object.entries(w.queries);
    if (w.all) entries.push(['(all queries)', w.all]);
    for (const [q, r] of entries) {
      const p = r.phases;
      if (!p) continue;
      const a = r.acquisition ?? null;
      const pct = (x: number | null | undefined): Cell => (a && x !== null && x !== undefined ? x * 100 : NOT_MEASURED);
      rows.push({
        layout: name,
        query: q,
        mean: p.meanResponseMs,
        latenessMean: p.scheduleLateness ? p.scheduleLateness.meanMs : 'closed loop',
        latenessP99: p.scheduleLateness ? p.scheduleLateness.p99Ms : 'closed loop',
        acquireMean: p.acquire.meanMs,
        acquireP99: p.acquire.p99Ms,
        waitedShare: pct(a?.waitedShare),
        waitP99: a ? (a.wait.count ? a.wait.p99Ms : 'none waited') : NOT_MEASURED,
        connectedShare: pct(a?.connectedShare),
        connectP99: a ? (a.connect.count ? a.connect.p99Ms : 'none connected') : NOT_MEASURED,
        queryMean: p.query.meanMs,
        queryP99: p.query.p99Ms,
        commitMean: p.commit.meanMs,
        serverMean: serverMeanOf(w.serverTime, q),
        generatorCpu: w.generator?.busyCpuPercentOfOneCore ?? NOT_MEASURED,
        backendsActive: backendShare(w.generator?.serverBackends, 'activeShare'),
        backendsIdleInTx: backendShare(w.generator?.serverBackends, 'idleInTransactionShare'),
        backendsIdle: backendShare(w.generator?.serverBackends, 'idleShare'),
        tail: tailAttribution(r.p99Ms, [
          { cause: 'generator lateness', p99Ms: p.scheduleLateness?.p99Ms ?? null, share: p.scheduleLateness ? 1 : null },
          { cause: 'waiting for a connection', p99Ms: a?.wait.p99Ms ?? null, share: a?.waitedShare ?? null },
          { cause: 'connecting', p99Ms: a?.connect.p99Ms ?? null, share: a?.connectedShare ?? null },
          { cause: 'the server', p99Ms: p.query.p99Ms, share: 1 },
        ]),
      });
    }
  }
  return sectionOf([
    {
      id: 'workload-phases',
      title: 'Where the time goes: generator, router, server',
      description:
        "Each successful request's response time split into its phases: schedule lateness (open loop: the generator sending the request after its intended start; the generator's delay, not the database's), router acquire (waiting in the router's queue for a connection, opening one, BEGIN + tenant context), the query's round trip, COMMIT's round trip. Means add up to the mean response time; P99s do not add up. The acquire phase is split by how the router obtained the connection: the share of requests that queued in the router and their wait P99, the share that opened a connection and their connect P99 (the rest reused an idle one at once). The tail column names the phase the P99 comes from.",
      columns: [
        { key: 'layout', label: 'layout' },
        { key: 'query', label: 'query' },
        { key: 'mean', label: 'mean response', unit: 'ms', digits: 3 },
        { key: 'latenessMean', label: 'generator lateness mean', unit: 'ms', digits: 3 },
        { key: 'latenessP99', label: 'generator lateness P99', unit: 'ms', digits: 3 },
        { key: 'acquireMean', label: 'router acquire mean', unit: 'ms', digits: 3 },
        { key: 'acquireP99', label: 'router acquire P99', unit: 'ms', digits: 3 },
        { key: 'waitedShare', label: 'waited for a connection', unit: '% of requests', digits: 1 },
        { key: 'waitP99', label: 'router wait P99 (of those)', unit: 'ms', digits: 3 },
        { key: 'connectedShare', label: 'opened a connection', unit: '% of requests', digits: 1 },
        { key: 'connectP99', label: 'connect P99 (of those)', unit: 'ms', digits: 3 },
        { key: 'queryMean', label: 'query mean', unit: 'ms', digits: 3 },
        { key: 'queryP99', label: 'query P99', unit: 'ms', digits: 3 },
        { key: 'commitMean', label: 'commit mean', unit: 'ms', digits: 3 },
        { key: 'serverMean', label: 'server exec mean (pg_stat_statements)', unit: 'ms', digits: 3 },
        { key: 'generatorCpu', label: 'generator CPU', unit: '% of a core', digits: 0 },
        { key: 'backendsActive', label: 'server backends active', unit: '% of samples', digits: 0 },
        { key: 'backendsIdleInTx', label: 'idle in transaction (waiting for the client)', unit: '% of samples', digits: 0 },
        { key: 'backendsIdle', label: 'idle (between requests)', unit: '% of samples', digits: 0 },
        { key: 'tail', label: 'tail (P99) from' },
      ],
      rows,
      notes: [
        `tail (P99) from: among generator lateness, the router's queue, connecting and the query's round trip (the server), the phase with the largest P99 that at least ${MIN_TAIL_SHARE * 100}% of the requests went through, when it reaches ${MIN_TAIL_FRACTION * 100}% of the response P99; else "no single phase". A reading of per-phase percentiles, not of the slowest requests themselves.`,
        "generator CPU: the harness process in the measured windows, without the open loop's deliberate yields before a deadline. A window where it is near a core, or where the generator lateness P99 exceeds maxEventLoopLagMs, is generator-limited: invalid, never the layout's result.",
        `server backends: the layout's application backends sampled in pg_stat_activity every 25 ms of the measured windows (per layout, all queries), by state: active (the server working), idle in transaction (the server waiting for the client between a request's statements; on saturated shared cores also a backend waiting for a CPU to read the client's next message), idle (a held connection between requests). A window where at least ${MIN_QUEUED_SHARE * 100}% of requests queued in the router for a connection it held (${MIN_QUEUED_MEAN_MS} ms or more on average) while the backends waited on the client at least ${MIN_CLIENT_WAIT_SHARE * 100}% of the time is generator-limited: the server had connections it could have used. Behind one pool for every tenant (shared, rls, schema without a role per tenant; with several generator threads one pool per thread, their queues summed) the samples taken while requests waited judge, idle in transaction plus idle (a connection done with its request and not yet handed to a queued one); otherwise idle in transaction over the window, since an idle backend may be another tenant's unused connection or a moment without demand. Through a pooler the backends are the pooler's: recorded, not judged.`,
        ...phased
          .filter(([, w]) => w.connections)
          .map(
            ([name, w]) =>
              `${name}: the router opened ${w.connections!.opened} connection(s), closed ${w.connections!.closed}${w.connections!.evicted !== undefined ? ` (${w.connections!.evicted} evicted at its cap)` : ''}, at most ${w.connections!.peakOpen} open at once (all repeats, warm-up included).`,
          ),
        ...phased
          .filter(([, w]) => (w.generator?.limitedRepeats ?? 0) > 0)
          .map(([name, w]) => `${name}: ${w.generator!.limitedRepeats} repeat(s) generator-limited (invalid).`),
      ],
    },
  ]);
}
