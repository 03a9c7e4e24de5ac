import type { ResolvedWorkload } from '../config/load-scenario.js';
import { addLeakProbes, emptyLeakProbes } from './leak-probes-under-load.js';
import { LatencyHistogram } from '../measure/latency-histogram.js';
import type { LayoutWorkload, QueryResult, WorkloadSummary } from '../results/workload-schema.js';
import { WORKLOAD_SCHEMA_VERSION } from '../results/workload-schema.js';
import type { SegmentResult } from './measure-segment.js';
import type { ThreadLoad } from './generator-thread-merge.js';
import type { HttpLoadResult } from './http-load.js';
import { QueryRecord } from './workload-recorder.js';
import type { IntervalCounts } from '../measure/bootstrap.js';
import { latencyIntervals, mergeIntervals, seedOf } from './latency-intervals.js';
import { summarizeCache } from './summarize-cache.js';
import { poolServerBackends } from './server-backend-sampler.js';
import type { RouterQueue } from './generator-limits.js';

function spread(xs: Array<number | null>) {
  const v = xs.filter((x): x is number => x !== null);
  if (!v.length) return { min: null, max: null, relative: null };
  const min = Math.min(...v);
  const max = Math.max(...v);
  return { min, max, relative: min > 0 ? (max - min) / min : null };
}

/** One query's (or the whole mix's) result over the repeats of a layout. */
function queryResult(
  w: ResolvedWorkload,
  segs: SegmentResult[],
  pick: (s: SegmentResult) => QueryRecord,
  shareOfOffered: number,
  blocksOf: (s: SegmentResult) => readonly IntervalCounts[],
  seed: number,
): QueryResult {
  const valid = segs.filter((s) => s.valid);
  const merged = new QueryRecord();
  for (const s of valid) merged.add(pick(s));
  const errors = new QueryRecord();
  for (const s of segs) errors.add(pick(s));
  const open = w.mode === 'open';
  const tput = valid.map((s) => pick(s).ok / s.drive.measuredSeconds);
  const repeats = segs.map((s) => {
    const r = pick(s);
    return {
      repeat: s.repeat,
      valid: s.valid,
      count: r.ok,
      p50Ms: r.response.percentileMs(50),
      p99Ms: r.response.percentileMs(99),
      throughputPerS: r.ok / s.drive.measuredSeconds,
      serverBackends: s.generator.serverBackends ?? null,
    };
  });
  const cls = (h: LatencyHistogram) => ({ ...h.summary(), count: h.count });
  return {
    ...merged.response.summary(),
    count: merged.ok,
    errors: Object.fromEntries([...errors.errors.entries()].sort()),
    throughputPerS: tput.length ? tput.reduce((a, b) => a + b, 0) / tput.length : null,
    mode: w.mode,
    offeredPerS: open && valid.length ? (valid.reduce((a, s) => a + (s.drive.offeredPerS ?? 0), 0) / valid.length) * shareOfOffered : null,
    late: open ? merged.late : null,
    dropped: open ? Math.round(valid.reduce((a, s) => a + s.drive.dropped, 0) * shareOfOffered) : null,
    valid: segs.length > 0 && valid.length === segs.length,
    latencyBasis: open ? 'intended-start' : 'actual-start',
    service: merged.service.summary(),
    byTenantClass: { small: cls(merged.byClass.small), large: cls(merged.byClass.large) },
    repeats,
    spread: {
      p50Ms: spread(repeats.filter((r) => r.valid).map((r) => r.p50Ms)),
      p99Ms: spread(repeats.filter((r) => r.valid).map((r) => r.p99Ms)),
      throughputPerS: spread(repeats.filter((r) => r.valid).map((r) => r.throughputPerS)),
    },
    histogram: merged.response.count ? merged.response.encode() : null,
    serviceHistogram: merged.service.count ? merged.service.encode() : null,
    phases: {
      scheduleLateness: open ? phase(merged.lateness) : null,
      acquire: phase(merged.acquire),
      query: phase(merged.query),
      commit: phase(merged.commit),
      meanResponseMs: merged.response.meanMs(),
    },
    acquisition: merged.acquisition.summary(),
    latenessHistogram: open && merged.lateness.count ? merged.lateness.encode() : null,
    intervals: latencyIntervals(valid.map(blocksOf), seed),
  };
}

const phase = (h: LatencyHistogram) => ({ ...h.summary(), count: h.count, meanMs: h.meanMs() });

/** A layout's workload section from its segments (one per repeat). */
export function summarizeLayout(
  w: ResolvedWorkload,
  segs: SegmentResult[],
  noisySegs: SegmentResult[] = [],
  httpRuns: HttpLoadResult[] = [],
): LayoutWorkload {
  const first = segs[0];
  if (!first) {
    return {
      status: 'not-run',
      reason: 'not reached',
      valid: false,
      invalidReasons: [],
      queries: {},
      all: null,
      eventLoopLagMs: null,
      clientCpuPercentOfOneCore: null,
      connections: null,
      noisyNeighbour: null,
      http: null,
      leakProbes: null,
      generator: null,
      serverTime: null,
      cache: null,
    };
  }
  const weights = first.mix.queries.map((q) => w.mix[q.name] ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  const queries: Record<string, QueryResult> = {};
  for (const q of first.mix.queries) {
    queries[q.name] = queryResult(
      w,
      segs,
      (s) => s.recorder.queries[q.index]!,
      weights[q.index]! / total,
      (s) => s.recorder.queryIntervals[q.index] ?? [],
      seedOf(first.layout, q.name),
    );
  }
  const all = queryResult(
    w,
    segs,
    (s) => {
      const r = new QueryRecord();
      for (const q of s.recorder.queries) r.add(q);
      return r;
    },
    1,
    (s) => mergeIntervals(s.recorder.queryIntervals),
    seedOf(first.layout, '(all)'),
  );
  const reasons = segs.flatMap((s) => s.invalidReasons.map((r) => `repeat ${s.repeat}: ${r}`));
  let noisyNeighbour: LayoutWorkload['noisyNeighbour'] = null;
  const nn = w.noisyNeighbour;
  const noisyTenant = noisySegs.find((s) => s.noisy)?.noisy?.tenant;
  if (nn && noisyTenant) {
    const merged = (list: SegmentResult[]) => {
      const h = new LatencyHistogram();
      for (const s of list.filter((x) => x.valid)) for (const q of s.recorder.queries) h.add(q.response);
      return { ...h.summary(), count: h.count, valid: list.length > 0 && list.every((x) => x.valid) };
    };
    const quiet = merged(segs);
    const noisy = merged(noisySegs);
    for (const s of noisySegs) for (const r of s.invalidReasons) reasons.push(`repeat ${s.repeat} (noisy): ${r}`);
    noisyNeighbour = {
      tenant: noisyTenant,
      query: nn.query,
      users: nn.users,
      noisyRequestsPerS: noisySegs.length ? noisySegs.reduce((a, s) => a + (s.noisy?.perS ?? 0), 0) / noisySegs.length : null,
      quiet,
      noisy,
      p99Ratio: quiet.p99Ms && noisy.p99Ms !== null ? noisy.p99Ms / quiet.p99Ms : null,
    };
  }
  return {
    status: 'ok',
    reason: null,
    valid: reasons.length === 0,
    invalidReasons: reasons,
    queries,
    all,
    eventLoopLagMs: { p99: Math.max(...segs.map((s) => s.lag.p99Ms)), max: Math.max(...segs.map((s) => s.lag.maxMs)) },
    clientCpuPercentOfOneCore: segs.reduce((a, s) => a + s.clientCpu.percentOfOneCore, 0) / segs.length,
    connections: {
      opened: segs.reduce((a, s) => a + s.router.opened, 0),
      closed: segs.reduce((a, s) => a + s.router.closed, 0),
      peakOpen: Math.max(...segs.map((s) => s.router.peakOpen)),
      evicted: segs.reduce((a, s) => a + (s.router.evicted ?? 0), 0),
    },
    noisyNeighbour,
    http: httpSummary(w, httpRuns),
    cache: summarizeCache(segs),
    leakProbes: leakProbesOf([...segs, ...noisySegs]),
    serverTime: serverTimeOf(
      segs,
      first.mix.queries.map((q) => q.name),
    ),
    generator: {
      cpuPercentOfOneCore: segs.reduce((a, s) => a + s.generator.cpuPercentOfOneCore, 0) / segs.length,
      busyCpuPercentOfOneCore: segs.reduce((a, s) => a + s.generator.busyCpuPercentOfOneCore, 0) / segs.length,
      latenessP99Ms: w.mode === 'open' ? Math.max(...segs.map((s) => s.generator.latenessP99Ms ?? 0)) : null,
      queueWaitMs: worst(
        segs.map((s) => s.generator.queueWaitMs ?? null),
        Math.max,
      ),
      serverBusyShare: worst(
        segs.map((s) => s.generator.serverBusyShare ?? null),
        Math.min,
      ),
      routerQueue: routerQueueOf(segs),
      serverBackends: poolServerBackends(segs.flatMap((s) => (s.generator.serverBackends ? [s.generator.serverBackends] : []))),
      limitedRepeats: segs.filter((s) => s.generator.limited).length,
      threads: Math.max(...segs.map((s) => s.generator.threads)),
      ...perThreadOf(segs),
    },
  };
}

/** The router's own queue summed over the repeats; null when no repeat recorded it. */
function routerQueueOf(segs: SegmentResult[]): RouterQueue | null {
  const qs = segs.map((s) => s.generator.routerQueue).filter((q): q is RouterQueue => q != null);
  if (!qs.length) return null;
  return {
    requests: qs.reduce((a, q) => a + q.requests, 0),
    waitedForHeld: qs.reduce((a, q) => a + q.waitedForHeld, 0),
    waitedForHeldMs: qs.reduce((a, q) => a + q.waitedForHeldMs, 0),
  };
}

/** Each generator thread's load, worst over the repeats; nothing when every repeat ran on one thread. */
function perThreadOf(segs: SegmentResult[]): { perThread?: ThreadLoad[] } {
  const runs = segs.map((s) => s.generator.perThread).filter((p): p is ThreadLoad[] => p !== null);
  if (!runs.length) return {};
  const n = Math.max(...runs.map((p) => p.length));
  return {
    perThread: Array.from({ length: n }, (_, i) => {
      const t = runs.map((p) => p[i]).filter((x): x is ThreadLoad => x !== undefined);
      return {
        cpuPercentOfOneCore: Math.max(...t.map((x) => x.cpuPercentOfOneCore)),
        busyCpuPercentOfOneCore: Math.max(...t.map((x) => x.busyCpuPercentOfOneCore)),
        latenessP99Ms: worst(
          t.map((x) => x.latenessP99Ms),
          Math.max,
        ),
      };
    }),
  };
}

function worst(xs: (number | null)[], pick: (...v: number[]) => number): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? pick(...v) : null;
}

/** pg_stat_statements time over the valid repeats, per query; the reason when it was not measured. */
function serverTimeOf(segs: SegmentResult[], names: string[]): LayoutWorkload['serverTime'] {
  const reason = segs.map((s) => s.serverTime?.reason).find((r) => r);
  if (reason) return { reason, queries: {}, other: { calls: 0, totalExecMs: 0, meanExecMs: null } };
  const valid = segs.filter((s) => s.valid && s.serverTime);
  const sum = (pick: (s: SegmentResult) => { calls: number; totalExecMs: number } | undefined) => {
    let calls = 0;
    let totalExecMs = 0;
    for (const s of valid) {
      const t = pick(s);
      calls += t?.calls ?? 0;
      totalExecMs += t?.totalExecMs ?? 0;
    }
    return { calls, totalExecMs, meanExecMs: calls > 0 ? totalExecMs / calls : null };
  };
  return {
    reason: valid.length ? null : 'not measured: no valid repeat',
    queries: Object.fromEntries(names.map((n, i) => [n, sum((s) => s.serverTime!.perQuery[i])])),
    other: sum((s) => s.serverTime!.other),
  };
}

/** The leak probes of every segment (quiet and noisy) summed; null when they were off. */
function leakProbesOf(segs: SegmentResult[]): LayoutWorkload['leakProbes'] {
  const runs = segs.map((s) => s.leakProbes).filter((x) => x !== null);
  return runs.length ? runs.reduce(addLeakProbes, emptyLeakProbes()) : null;
}

function httpSummary(w: ResolvedWorkload, runs: HttpLoadResult[]): LayoutWorkload['http'] {
  if (!w.http || runs.length === 0) return null;
  const mean = (f: (r: HttpLoadResult) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
  const sum = (f: (r: HttpLoadResult) => number) => runs.reduce((a, r) => a + f(r), 0);
  return {
    connections: w.http.connections,
    p50Ms: mean((r) => r.p50Ms),
    p99Ms: mean((r) => r.p99Ms),
    maxMs: Math.max(...runs.map((r) => r.maxMs)),
    requestsPerS: mean((r) => r.requestsPerS),
    ok: sum((r) => r.ok),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    repeats: runs.length,
  };
}

export function workloadConfig(w: ResolvedWorkload): WorkloadSummary['config'] {
  const open = w.mode === 'open';
  return {
    mix: { ...w.mix },
    mode: w.mode,
    users: w.users,
    thinkMs: w.thinkMs,
    ratePerS: open ? w.ratePerS : null,
    arrival: open ? w.arrival : null,
    warmupSeconds: w.warmupSeconds,
    durationSeconds: w.durationSeconds,
    repeats: w.repeats,
    tenantChoice: { ...w.tenantChoice },
    prepared: w.prepared,
    explicitTenantFilter: w.explicitTenantFilter,
    lateMs: w.lateMs,
    maxEventLoopLagMs: w.maxEventLoopLagMs,
  };
}

export function emptyWorkloadSummary(w: ResolvedWorkload): WorkloadSummary {
  return { schemaVersion: WORKLOAD_SCHEMA_VERSION, config: workloadConfig(w), order: [], layouts: {} };
}
