/**
 * The summary's percentile fields are the percentiles they name, on non-empty histograms with a
 * known distribution: each query's and the whole mix's P50/P95/P99/P99.9/max, each repeat's P99,
 * their spread; only valid repeats feed the merged figures.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDataset } from '../../seed/tenant-plan.js';
import { resolveScenario } from '../config/load-scenario.js';
import { CompiledMix } from './compiled-mix.js';
import type { SegmentResult } from './measure-segment.js';
import { emptyWorkloadSummary, summarizeLayout, workloadConfig } from './summarize-workload.js';
import { tenantClasses } from './tenant-chooser.js';
import { WorkloadRecorder } from './workload-recorder.js';

const plan = planDataset({ seed: 4, tenants: 2, rows: 200, sizes: { kind: 'uniform' } });
const tenant = plan.tenants[0]!;
const mixSpec = { 'point-lookup': 3, 'recent-orders': 1 };
const workload = (mode: 'open' | 'closed', extra: Record<string, unknown> = {}) =>
  resolveScenario({ tenants: { count: 2 }, rows: 200, workload: { mode, mix: mixSpec, ratePerS: 100, ...extra } }, 'unit.yaml').workload;

/** One segment whose first query answered in 1..n ms (each once), the second in `other` ms. */
function segment(
  repeat: number,
  n: number,
  o: { valid?: boolean; other?: number; seconds?: number; extra?: Partial<SegmentResult> } = {},
): SegmentResult {
  const mix = new CompiledMix(mixSpec, true);
  const recorder = new WorkloadRecorder(mix.queries.length, tenantClasses(plan.tenants));
  const at = (ms: number) => ({ error: null, startAt: 0, acquiredAt: 0, queryDoneAt: 0, endAt: ms });
  for (let ms = 1; ms <= n; ms++) recorder.ok(0, tenant, 0, at(ms), false, true);
  if (o.other !== undefined) recorder.ok(1, tenant, 0, at(o.other), true, true);
  recorder.error(1, '40001', false, 2);
  return {
    layout: 'rls',
    repeat,
    valid: o.valid ?? true,
    invalidReasons: o.valid === false ? ['generator-limited'] : [],
    drive: { mode: 'open', measuredSeconds: o.seconds ?? 10, offeredPerS: 120, dropped: 4, unfinished: 0 },
    lag: { p50Ms: 1, p99Ms: repeat + 2, maxMs: repeat + 5 },
    clientCpu: { seconds: 1, percentOfOneCore: 10 * (repeat + 1) },
    generator: {
      cpuPercentOfOneCore: 20,
      busyCpuPercentOfOneCore: 15,
      latenessP99Ms: repeat,
      limited: o.valid === false,
      threads: 1,
      perThread: null,
    },
    router: { open: 2, peakOpen: repeat + 3, opened: 3, closed: 1, waits: 0 },
    mix,
    recorder,
    incomplete: false,
    noisy: null,
    leakProbes: null,
    serverTime: null,
    ...o.extra,
  } as SegmentResult;
}

/** Within HdrHistogram's 3 significant digits. */
function near(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(actual != null && Math.abs(actual - expected) <= expected * 0.001 + 0.001, `${what}: ${actual}, expected ${expected}`);
}

describe('summarizeLayout: percentiles', () => {
  it('fills P50, P95, P99, P99.9 and max with those percentiles of the response times', () => {
    const s = summarizeLayout(workload('open'), [segment(0, 10_000)]);
    const q = s.queries['point-lookup']!;
    near(q.p50Ms, 5000, 'P50');
    near(q.p95Ms, 9500, 'P95');
    near(q.p99Ms, 9900, 'P99');
    near(q.p999Ms, 9990, 'P99.9');
    near(q.maxMs, 10_000, 'max');
    assert.equal(q.count, 10_000);
    near(q.repeats[0]!.p50Ms, 5000, 'repeat P50');
    near(q.repeats[0]!.p99Ms, 9900, 'repeat P99');
    assert.equal(q.latencyBasis, 'intended-start');
    assert.equal(q.histogram !== null && q.serviceHistogram !== null && q.latenessHistogram !== null, true);
  });

  it('merges the valid repeats only, and shows the spread of their P99', () => {
    const s = summarizeLayout(workload('open'), [segment(0, 1000), segment(1, 2000), segment(2, 100_000, { valid: false })]);
    const q = s.queries['point-lookup']!;
    assert.equal(q.count, 3000, 'the invalid repeat is left out');
    near(q.p99Ms, 1970, 'P99 of 1..1000 and 1..2000 together');
    near(q.spread.p99Ms.min, 990, 'spread min');
    near(q.spread.p99Ms.max, 1980, 'spread max');
    near(q.spread.p99Ms.relative!, 1, 'relative spread');
    assert.equal(q.repeats.length, 3);
    assert.equal(q.repeats[2]!.valid, false);
    assert.equal(q.valid, false);
    assert.equal(s.valid, false);
    assert.deepEqual(s.invalidReasons, ['repeat 2: generator-limited']);
    assert.deepEqual(q.errors, {}, 'the first query had no errors');
    assert.deepEqual(s.queries['recent-orders']!.errors, { '40001': 3 });
  });

  it('gives the whole mix the percentiles of every query together', () => {
    const s = summarizeLayout(workload('closed'), [segment(0, 990, { other: 5000, seconds: 2 })]);
    const all = s.all!;
    assert.equal(all.count, 991);
    near(all.p50Ms, 496, 'mix P50');
    near(all.p99Ms, 982, 'mix P99 (rank 982 of 991)');
    near(all.maxMs, 5000, 'mix max');
    near(all.throughputPerS!, 495.5, 'throughput');
    assert.equal(all.latencyBasis, 'actual-start');
    assert.equal(all.offeredPerS, null);
    assert.equal(all.late, null);
    assert.equal(all.dropped, null);
    assert.equal(all.phases?.scheduleLateness, null);
    assert.equal(s.queries['recent-orders']!.count, 1);
  });

  it('splits the offered rate and drops by the mix weights in open loop', () => {
    const s = summarizeLayout(workload('open'), [segment(0, 10, { other: 3 }), segment(1, 10, { other: 3 })]);
    assert.equal(s.queries['point-lookup']!.offeredPerS, 90);
    assert.equal(s.queries['recent-orders']!.offeredPerS, 30);
    assert.equal(s.queries['point-lookup']!.dropped, 6);
    assert.equal(s.queries['recent-orders']!.dropped, 2);
    assert.equal(s.all!.late, 2);
    assert.equal(s.all!.offeredPerS, 120);
    assert.deepEqual(s.eventLoopLagMs, { p99: 3, max: 6 });
    assert.equal(s.clientCpuPercentOfOneCore, 15);
    assert.deepEqual(s.connections, { opened: 6, closed: 2, peakOpen: 4, evicted: 0 });
    assert.equal(s.generator?.latenessP99Ms, 1);
    assert.equal(s.generator?.limitedRepeats, 0);
    assert.equal(s.valid, true);
  });

  it('says not run, with unknown figures, when there is no segment', () => {
    const s = summarizeLayout(workload('open'), []);
    assert.equal(s.status, 'not-run');
    assert.equal(s.all, null);
  });
});

describe('summarizeLayout: the other sections', () => {
  it('noisy neighbour: quiet and noisy percentiles from the valid segments, and their P99 ratio', () => {
    const w = workload('closed', { noisyNeighbour: { users: 3 } });
    const noisy = { tenant: 't0001', ok: 10, errors: 0, perS: 40 };
    const s = summarizeLayout(
      w,
      [segment(0, 100)],
      [segment(0, 200, { extra: { noisy } }), segment(1, 200, { extra: { noisy: { ...noisy, perS: 60 } } })],
    );
    const n = s.noisyNeighbour!;
    assert.equal(n.tenant, 't0001');
    assert.equal(n.query, 'order-report');
    assert.equal(n.users, 3);
    assert.equal(n.noisyRequestsPerS, 50);
    near(n.quiet.p99Ms, 99, 'quiet P99');
    near(n.noisy.p99Ms, 198, 'noisy P99');
    near(n.p99Ratio!, 2, 'ratio');
    assert.equal(n.quiet.count, 100);
    assert.equal(n.noisy.count, 400);
    assert.equal(n.quiet.valid && n.noisy.valid, true);
    const invalid = summarizeLayout(w, [segment(0, 100)], [segment(0, 200, { valid: false, extra: { noisy } })]);
    assert.equal(invalid.noisyNeighbour!.noisy.valid, false);
    assert.equal(invalid.noisyNeighbour!.noisy.count, 0, 'an invalid noisy segment is not merged');
    assert.equal(invalid.noisyNeighbour!.p99Ratio, null);
    assert.deepEqual(invalid.invalidReasons, ['repeat 0 (noisy): generator-limited']);
    assert.equal(summarizeLayout(w, [segment(0, 100)], []).noisyNeighbour, null, 'no noisy segment: null');
    assert.equal(summarizeLayout(workload('closed'), [segment(0, 100)], [segment(0, 200, { extra: { noisy } })]).noisyNeighbour, null);
  });

  it('HTTP: the runs averaged (percentiles, rate), counted (responses) and the worst max', () => {
    const run = (p: number, ok: number) => ({ p50Ms: p, p99Ms: p * 10, maxMs: p * 20, requestsPerS: ok / 10, ok, non2xx: 1, errors: 2 });
    const s = summarizeLayout(workload('closed', { http: {} }), [segment(0, 10)], [], [run(1, 100), run(3, 300)]);
    assert.deepEqual(s.http, {
      connections: 10,
      p50Ms: 2,
      p99Ms: 20,
      maxMs: 60,
      requestsPerS: 20,
      ok: 400,
      non2xx: 2,
      errors: 4,
      repeats: 2,
    });
    assert.equal(summarizeLayout(workload('closed', { http: {} }), [segment(0, 10)]).http, null, 'no run: null');
    assert.equal(summarizeLayout(workload('closed'), [segment(0, 10)], [], [run(1, 1)]).http, null, 'not configured: null');
  });

  it('server time: summed over the valid segments per query, or the reason it was not measured', () => {
    const t = (calls: number, totalExecMs: number) => ({ calls, totalExecMs });
    const serverTime = { reason: null, perQuery: [t(4, 8), t(0, 0)], other: t(1, 3) };
    const s = summarizeLayout(workload('closed'), [
      segment(0, 10, { extra: { serverTime } }),
      segment(1, 10, { extra: { serverTime } }),
      segment(2, 10, { valid: false, extra: { serverTime } }),
    ]);
    assert.deepEqual(s.serverTime, {
      reason: null,
      queries: {
        'point-lookup': { calls: 8, totalExecMs: 16, meanExecMs: 2 },
        'recent-orders': { calls: 0, totalExecMs: 0, meanExecMs: null },
      },
      other: { calls: 2, totalExecMs: 6, meanExecMs: 3 },
    });
    const off = summarizeLayout(workload('closed'), [
      segment(0, 10, { extra: { serverTime: { ...serverTime, reason: 'no pg_stat_statements' } } }),
    ]);
    assert.deepEqual(off.serverTime, {
      reason: 'no pg_stat_statements',
      queries: {},
      other: { calls: 0, totalExecMs: 0, meanExecMs: null },
    });
    const none = summarizeLayout(workload('closed'), [segment(0, 10, { valid: false, extra: { serverTime } })]);
    assert.equal(none.serverTime?.reason, 'not measured: no valid repeat');
  });

  it('generator: the worst queue wait (highest) and server busy share (lowest) over the repeats, null when unknown', () => {
    const g = (queueWaitMs: number | null, serverBusyShare: number | null) => ({
      cpuPercentOfOneCore: 20,
      busyCpuPercentOfOneCore: 15,
      latenessP99Ms: null,
      queueWaitMs,
      serverBusyShare,
      limited: false,
      threads: 1,
      perThread: null,
    });
    const s = summarizeLayout(workload('open'), [
      segment(0, 10, { extra: { generator: g(5, 0.9) } }),
      segment(1, 10, { extra: { generator: g(9, 0.4) } }),
      segment(2, 10, { extra: { generator: g(null, null) } }),
    ]);
    assert.equal(s.generator?.queueWaitMs, 9);
    assert.equal(s.generator?.serverBusyShare, 0.4);
    assert.equal(s.generator?.latenessP99Ms, 0);
    assert.equal(s.generator?.cpuPercentOfOneCore, 20);
    assert.equal(s.generator?.busyCpuPercentOfOneCore, 15);
    const unknown = summarizeLayout(workload('closed'), [segment(0, 10, { extra: { generator: g(null, null) } })]);
    assert.equal(unknown.generator?.queueWaitMs, null);
    assert.equal(unknown.generator?.serverBusyShare, null);
    assert.equal(unknown.generator?.latenessP99Ms, null, 'closed loop: no schedule');
    assert.equal(unknown.leakProbes, null);
  });

  it('the workload config: open-loop fields only in open loop', () => {
    const open = workloadConfig(workload('open'));
    assert.equal(open.mode, 'open');
    assert.equal(open.ratePerS, 100);
    assert.equal(open.arrival, 'poisson');
    assert.deepEqual(open.mix, mixSpec);
    const closed = workloadConfig(workload('closed'));
    assert.equal(closed.ratePerS, null);
    assert.equal(closed.arrival, null);
    const empty = emptyWorkloadSummary(workload('closed'));
    assert.deepEqual(empty.layouts, {});
    assert.deepEqual(empty.order, []);
    assert.deepEqual(empty.config, closed);
  });
});

describe('summarizeLayout: spreads, classes, phases', () => {
  it('spread of P50 and throughput over the valid repeats; per-class and per-phase figures', () => {
    const s = summarizeLayout(workload('open'), [
      segment(0, 100, { seconds: 10 }),
      segment(1, 200, { seconds: 10, extra: { generator: { ...segment(0, 1).generator, limited: true } } }),
    ]);
    const q = s.queries['point-lookup']!;
    near(q.spread.p50Ms.min, 50, 'P50 spread min');
    near(q.spread.p50Ms.max, 100, 'P50 spread max');
    assert.deepEqual(q.spread.throughputPerS, { min: 10, max: 20, relative: 1 });
    near(q.throughputPerS!, 15, 'mean throughput of the repeats');
    assert.equal(q.repeats[1]!.throughputPerS, 20);
    assert.equal(q.valid, true);
    assert.equal(q.byTenantClass.large.count + q.byTenantClass.small.count, 300);
    near(q.byTenantClass[q.byTenantClass.large.count ? 'large' : 'small'].maxMs, 200, 'class max');
    assert.equal(q.phases?.commit.count, 300);
    near(q.phases?.meanResponseMs ?? null, (50.5 * 100 + 100.5 * 200) / 300, 'mean response');
    assert.equal(q.phases?.scheduleLateness?.count, 300);
    assert.equal(s.generator?.limitedRepeats, 1);
    assert.equal(s.status, 'ok');
    const r = s.queries['recent-orders']!;
    assert.notEqual(r.latenessHistogram, null, 'the lateness of a failed request is kept too');
    assert.equal(
      summarizeLayout(workload('closed'), [segment(0, 10)]).queries['point-lookup']!.latenessHistogram,
      null,
      'closed loop: no schedule',
    );
    assert.deepEqual(r.spread.p50Ms, { min: null, max: null, relative: null });
  });

  it('not run: invalid, no reasons, not reached', () => {
    const s = summarizeLayout(workload('open'), []);
    assert.deepEqual([s.valid, s.invalidReasons, s.reason], [false, [], 'not reached']);
  });
});
