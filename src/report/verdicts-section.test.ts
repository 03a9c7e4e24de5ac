/**
 * The first screen's verdicts are written from the numbers: each verdict changes when a number of
 * the fixture changes, says "not measured: <reason>" without its inputs; its charts compile with
 * vega-lite. Pure: the recorded smoke bundle (tests/fixtures/smoke-run), edited in memory.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compile, type TopLevelSpec } from 'vega-lite';
import { LatencyHistogram } from '../measure/latency-histogram.js';
import { packageRoot } from '../paths.js';
import type { LayoutCapacity } from '../results/capacity-schema.js';
import type { Summary } from '../results/summary-schema.js';
import { headlineChart } from './headline-chart.js';
import { latencyOverTimeChart } from './latency-over-time-chart.js';
import { loadIntervals } from './load-intervals.js';
import { loadResults } from './load-results.js';
import { markdownReport } from './markdown-report.js';
import { buildReportModel } from './report-model.js';
import { percentileChart, percentileSeries } from './percentile-chart.js';
import { capacityVerdict } from './verdicts/capacity-verdict.js';
import { connectionsVerdict } from './verdicts/connections-verdict.js';
import { migrationVerdict } from './verdicts/migration-verdict.js';
import { rlsCostVerdict } from './verdicts/rls-cost-verdict.js';
import { tenantBackupVerdict } from './verdicts/tenant-backup-verdict.js';
import { verdictsSection } from './verdicts-section.js';

const FIXTURE = join(packageRoot(), 'tests', 'fixtures', 'smoke-run');
const RECORDED = loadResults(FIXTURE);
const smoke = (): Summary => structuredClone(RECORDED.summary);

/** The smoke run's workload as one headline rate, the join's P50 10 ms (rls: rlsP50) with intervals of spread logSe. */
function withHeadline(rlsP50: number, logSe: number): Summary {
  const s = smoke();
  const w = s.workload!;
  for (const [name, l] of Object.entries(w.layouts)) {
    const q = l.queries['recent-orders']!;
    q.valid = true;
    q.p50Ms = name === 'rls' ? rlsP50 : 10;
    q.p99Ms = 2 * q.p50Ms;
    const ci = (v: number) => ({ loMs: v * 0.95, hiMs: v * 1.05, logSe });
    q.intervals = {
      method: 'moving-block-bootstrap',
      confidence: 0.95,
      blockLength: 2,
      blocks: 20,
      resamples: 1000,
      p50Ms: ci(q.p50Ms),
      p99Ms: ci(q.p99Ms),
    };
  }
  s.headline = {
    status: 'ok',
    reason: null,
    fractions: [0.25],
    p99TargetMs: 50,
    oltpQueries: ['recent-orders'],
    reportQueries: [],
    lowest: { layout: 'database', ratePerS: 200, kind: 'measured' },
    rates: [{ fraction: 0.25, ratePerS: 50, reportsPerS: 0, workload: w }],
  };
  return s;
}

const step = (ratePerS: number, meets: boolean | null, misses: string[] = []) => ({
  round: 0,
  phase: 'sweep' as const,
  ratePerS,
  offeredPerS: ratePerS,
  achievedPerS: ratePerS,
  p50Ms: 2,
  p95Ms: 10,
  p99Ms: 20,
  serviceP99Ms: 10,
  ok: ratePerS * 2,
  errors: {},
  late: 0,
  dropped: 0,
  unfinished: 0,
  valid: meets !== null,
  invalidReasons: meets === null ? ['generator-limited'] : [],
  eventLoopLagP99Ms: 1,
  generatorLimited: meets === null,
  meets,
  misses,
  histogram: null,
});

/** A rate sweep: shared measured at `sharedRate` (missing the next rate), rls at least 800 with a generator-limited step. */
function withCapacity(sharedRate: number): Summary {
  const s = smoke();
  const layout = (capacity: LayoutCapacity['capacity'], steps: ReturnType<typeof step>[]): LayoutCapacity => ({
    status: 'ok',
    reason: null,
    capacity,
    steps,
  });
  s.capacity = {
    schemaVersion: 1,
    config: {
      rates: [100, 200, 400, 800],
      p99TargetMs: 50,
      stepSeconds: 5,
      warmupSeconds: 2,
      minAchievedFraction: 0.95,
      maxErrorFraction: 0.001,
      stopAfterMisses: 1,
      refine: 0,
      mix: { 'recent-orders': 1 },
      connections: 8,
      arrival: 'poisson',
      lateMs: 5,
      maxBacklog: 2000,
      maxEventLoopLagMs: 20,
    },
    order: [['shared', 'rls']],
    layouts: {
      shared: layout(
        { kind: 'measured', ratePerS: sharedRate, firstMissPerS: 2 * sharedRate, label: `${sharedRate} req/s`, reason: null },
        [step(sharedRate, true), step(2 * sharedRate, false, ['P99 72.0 ms > 50 ms'])],
      ),
      rls: layout({ kind: 'at-least', ratePerS: 800, firstMissPerS: null, label: '≥ 800 req/s', reason: null }, [
        step(800, true),
        step(1600, null),
      ]),
    },
  };
  return s;
}

describe('verdicts from the numbers', () => {
  it('RLS on the join: the change against shared with its interval; "no measurable difference" when it contains none', () => {
    const clear = rlsCostVerdict(withHeadline(12, 0.02))!;
    assert.match(clear, /^rls against shared on the join \(recent-orders\)/);
    assert.match(
      clear,
      /At 50 req\/s \(open loop, 25% of the lowest capacity\): P50 12\.00 ms vs 10\.00 ms, \+20\.0% \[\+1\d\.\d%, \+2\d\.\d%\]/,
    );
    const noisy = rlsCostVerdict(withHeadline(10.5, 0.1))!;
    assert.match(noisy, /P50 10\.50 ms vs 10\.00 ms, no measurable difference \(\+5\.0% \[-\d+\.\d%, \+\d+\.\d%\]\)/);
    assert.notEqual(clear, noisy);
    // Without intervals (the recorded closed-loop run): the figures, and no claim of a difference.
    assert.match(
      rlsCostVerdict(smoke())!,
      /In the workload \(closed loop, 8 users\): P50 3\.11 ms vs 2\.55 ms \(\+21\.8%; no confidence interval recorded/,
    );
  });

  it('RLS: not measured without a workload, no verdict without an rls layout', () => {
    const s = smoke();
    delete s.workload;
    assert.equal(rlsCostVerdict(s), 'not measured: no workload ran');
    const noRls = smoke();
    delete noRls.layouts.rls;
    assert.equal(rlsCostVerdict(noRls), null);
  });

  it('single-tenant backup: the fastest verified backup of the same tenant, against the next and the slowest', () => {
    const s = smoke();
    assert.match(
      tenantBackupVerdict(s)!,
      /^Tenant t0001, restored and verified: rls is fastest, 0\.08 s \(COPY .*\)\. Next: shared 0\.13 s \(1\.6x as long\)/,
    );
    for (const a of s.layouts.rls!.backup!.artifacts) if (a.scope === 'tenant') a.seconds = 9;
    const slower = tenantBackupVerdict(s)!;
    assert.match(slower, /: shared is fastest, 0\.13 s/);
    assert.match(slower, /slowest: rls 9\.00 s \(69x,/);
    for (const l of Object.values(s.layouts)) l.backup = null;
    assert.match(tenantBackupVerdict(s)!, /^not measured: no verified single-tenant backup/);
  });

  it('migration across all tenants: seconds and units per layout, fastest and slowest', () => {
    const s = smoke();
    assert.match(
      migrationVerdict(s)!,
      /schema 0\.74 s \(6 units, median 0\.\d\d s per unit\).*Fastest rls, slowest schema \(3\.3x as long\)/,
    );
    s.layouts.database!.migration!.seconds = 4.5;
    assert.match(migrationVerdict(s)!, /database 4\.50 s \(6 units.*slowest database \(20x as long\)/);
    s.layouts.schema!.migration = { ...s.layouts.schema!.migration!, status: 'failed', unitsFailed: 2 };
    assert.match(migrationVerdict(s)!, /schema failed \(2 of 6 units\)/);
    for (const l of Object.values(s.layouts)) delete l.migration;
    assert.equal(migrationVerdict(s), 'not measured: the migrate operation did not run');
  });

  it('connections: peak server connections per layout at the probe, and what the routers did under the workload', () => {
    const s = smoke();
    const before = connectionsVerdict(s)!;
    assert.match(before, /: shared, rls and schema 8; database 13; hybrid 10\./);
    assert.match(before, /database opened 176, closed 144, at most 16 open/);
    s.layouts.database!.connections!.peakOpen = 8;
    assert.match(connectionsVerdict(s)!, /: shared, rls, schema and database 8; hybrid 10\./);
    for (const l of Object.values(s.layouts)) delete l.connections;
    delete s.workload;
    assert.equal(connectionsVerdict(s), 'not measured: neither the connections probe nor a workload ran');
  });

  it('capacity: the figure and what bounds it (the target missed next, the sweep, the generator)', () => {
    const v = capacityVerdict(withCapacity(400))!;
    assert.match(
      v,
      /^Capacity at P99 ≤ 50 ms \(open loop, poisson, 5 s per step\): shared 400 req\/s: bounded by the P99 target: at 800 req\/s it missed \(P99 72\.0 ms > 50 ms\)/,
    );
    assert.match(v, /rls ≥ 800 req\/s: a lower bound: .*1 step\(s\) invalid, not counted \(generator-limited at 1,600 req\/s\)/);
    assert.match(capacityVerdict(withCapacity(200))!, /shared 200 req\/s: bounded by the P99 target: at 400 req\/s it missed/);
    assert.equal(capacityVerdict(smoke()), 'not measured: no rate sweep in this run (headline: or rateSweep: in the scenario)');
  });
});

describe('the first screen', () => {
  const compiles = (spec: Record<string, unknown>) => assert.doesNotThrow(() => compile(spec as unknown as TopLevelSpec));

  it('draws the headline with error bars, the percentile distribution and latency over time, as valid vega-lite', () => {
    const s = withHeadline(12, 0.02);
    const headline = headlineChart(s)!;
    compiles(headline.spec);
    const bars = (headline.spec.data as { values: { layout: string; percentile: string; ms: number; loMs: number }[] }).values;
    assert.deepEqual(
      bars.filter((b) => b.layout === 'rls').map((b) => [b.percentile, b.ms, b.loMs]),
      [
        ['P50', 12, 12 * 0.95],
        ['P99', 24, 24 * 0.95],
      ],
    );
    compiles(percentileChart(s)!.spec);
    const over = latencyOverTimeChart(s, loadIntervals(FIXTURE))!;
    compiles(over.spec);
    assert.match(over.title, /at 50 req\/s \(the highest headline rate\)/);
    assert.equal(latencyOverTimeChart(s, null), null);
  });

  it('reads the percentile distribution from the encoded histogram, up to the maximum', () => {
    const q = smoke().workload!.layouts.shared!.queries['recent-orders']!;
    const series = percentileSeries(LatencyHistogram.decode(q.histogram!));
    assert.equal(series[0]!.percentile, 0);
    // The histogram's maximum: the summary's to within its resolution (3 significant digits).
    assert.ok(Math.abs(series.at(-1)!.ms / q.maxMs! - 1) < 0.001);
    assert.ok(series.every((p, i) => i === 0 || (p.x > series[i - 1]!.x && p.ms >= series[i - 1]!.ms)));
    const p50 = series.find((p) => Math.abs(p.percentile - 50) < 1e-9)!;
    assert.equal(p50.ms, q.p50Ms);
  });

  it('puts the verdicts and their charts right after the main table in the Markdown', () => {
    const r = RECORDED;
    const m = buildReportModel(r);
    const md = markdownReport(m, new Map(m.charts.map((c) => [c.id, `${c.id}.png`])));
    const at = (x: string) => md.indexOf(x);
    assert.ok(at('## Strategies side by side') < at('## Verdicts'));
    assert.ok(at('**What does RLS cost on the join?** rls against shared') > at('## Verdicts'));
    assert.ok(at('](headline-intervals.png)') > at('**What is each layout'));
    assert.ok(at('](latency-over-time.png)') < at('## Latency and throughput per query'));
    assert.ok(at('](seed-time.png)') > at('## Charts'));
    assert.equal(verdictsSection(r.summary, null, r.files)!.tables[0]!.rows.length, 5);
  });
});
