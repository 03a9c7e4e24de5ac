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
import { summarizeLayout } from './summarize-workload.js';
import { tenantClasses } from './tenant-chooser.js';
import { WorkloadRecorder } from './workload-recorder.js';

const plan = planDataset({ seed: 4, tenants: 2, rows: 200, sizes: { kind: 'uniform' } });
const tenant = plan.tenants[0]!;
const mixSpec = { 'point-lookup': 3, 'recent-orders': 1 };
const workload = (mode: 'open' | 'closed') =>
  resolveScenario({ tenants: { count: 2 }, rows: 200, workload: { mode, mix: mixSpec, ratePerS: 100 } }, 'unit.yaml').workload;

/** One segment whose first query answered in 1..n ms (each once), the second in `other` ms. */
function segment(repeat: number, n: number, o: { valid?: boolean; other?: number; seconds?: number } = {}): SegmentResult {
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
    generator: { cpuPercentOfOneCore: 20, busyCpuPercentOfOneCore: 15, latenessP99Ms: repeat, limited: o.valid === false },
    router: { open: 2, peakOpen: repeat + 3, opened: 3, closed: 1, waits: 0 },
    mix,
    recorder,
    incomplete: false,
    noisy: null,
    leakProbes: null,
    serverTime: null,
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
    assert.deepEqual(s.connections, { opened: 6, closed: 2, peakOpen: 4 });
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
