/**
 * The rate sweep as a user runs it, on a real embedded PostgreSQL with tiny data: a rate the
 * server cannot take (100,000/s) misses (dropped, short of the offered rate), so each layout's
 * capacity is the last passing rate; a sweep in which every rate passes reports "≥ the last";
 * the summary, capacity.csv and the report carry the table and the latency-vs-throughput chart;
 * bad rateSweep input exits 2 naming the field before any server starts; compare flags a capacity
 * drop beyond its threshold and does not treat a bound as a number.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { packageRoot } from '../src/paths.js';
import type { CapacityResult, CapacitySummary } from '../src/results/capacity-schema.js';
import type { Summary } from '../src/results/summary-schema.js';
import { summarySchema } from '../src/results/summary-schema.js';
import { readJson, runCli, tempDir } from './helpers.js';

/** A tiny scenario (JSON) with a point-lookup workload and the given rateSweep (none when undefined). */
function scenarioFile(rateSweep?: unknown): string {
  const p = join(tempDir('tenantbench-sweep-'), 'tiny-sweep.json');
  const scenario = {
    name: 'tiny-sweep',
    seed: 5,
    tenants: { count: 4, sizes: { kind: 'zipf', s: 1 } },
    rows: 4000,
    layoutOptions: { hybrid: { dedicated: 1, placement: 'schema' }, database: { maxConnections: 4 } },
    // maxBacklog 50: 100,000/s fills it at once (drops, not an unbounded queue); a lag limit of 1 s
    // judges the server here, not this loaded test machine's event loop.
    workload: {
      mix: { 'point-lookup': 1 },
      users: 4,
      warmupSeconds: 0,
      durationSeconds: 0.5,
      repeats: 1,
      maxBacklog: 50,
      maxEventLoopLagMs: 1000,
    },
    rateSweep,
  };
  writeFileSync(p, JSON.stringify(scenario));
  return p;
}

const onlyBundle = (dir: string) => join(dir, readdirSync(dir)[0]!);

// Field by field validation is unit-tested in src/config/rate-sweep-schema.test.ts; here, the CLI's paths.
describe('rate sweep: bad input exits 2 naming the field, no server started', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'rates not ascending',
      ['run', '--scenario', scenarioFile({ rates: [100, 50] })],
      /field "rateSweep\.rates\.1": 50 is not above the rate before it/,
    ],
    ['a zero rate on the command line', ['run', '--scenario', 'smoke', '--rate-sweep', '0,100'], /field "rateSweep\.rates\.0"/],
    [
      'a malformed --rate-sweep',
      ['run', '--scenario', 'smoke', '--rate-sweep', '100,fast'],
      /--rate-sweep: expected rates per second separated by commas/,
    ],
    ['a bad --p99-target', ['run', '--scenario', 'smoke', '--p99-target', '0'], /--p99-target must be a number of milliseconds > 0/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}`, async () => {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stdout + r.stderr, /embedded PostgreSQL/);
    });
  }
});

describe('rate sweep on tiny data', () => {
  let bundle = '';
  let output = '';
  before(async () => {
    const results = tempDir('tenantbench-sweep-res-');
    const file = scenarioFile({ rates: [50, 100, 100000], p99TargetMs: 250, stepSeconds: 2, warmupSeconds: 0.5, stopAfterMisses: 3 });
    const r = await runCli(['run', '--scenario', file, '--layouts', 'shared,schema', '--profile', 'test', '--results-dir', results, '-q'], {
      timeoutMs: 240_000,
    });
    output = r.stdout + r.stderr;
    assert.equal(r.code, 0, output);
    bundle = onlyBundle(results);
  });

  it('finds the last passing rate: 100,000/s misses (dropped, short of the offered rate)', () => {
    const summary = summarySchema.parse(readJson<Summary>(join(bundle, 'summary.json')));
    const c = summary.capacity!;
    assert.deepEqual(c.config.rates, [50, 100, 100000]);
    for (const layout of ['shared', 'schema'] as const) {
      const l = c.layouts[layout]!;
      assert.equal(l.status, 'ok', layout);
      const huge = l.steps.filter((s) => s.ratePerS === 100000);
      assert.ok(
        huge.length,
        `${layout} reached 100000/s: ${JSON.stringify(l.steps.map((s) => [s.ratePerS, s.meets, s.misses, s.invalidReasons]))}`,
      );
      for (const h of huge) {
        assert.ok(h.dropped > 0 && h.achievedPerS! < 0.95 * h.offeredPerS!, JSON.stringify(h));
        if (h.generatorLimited) {
          // The generator's own round trips held the 4 connections (the server's backends mostly
          // idle in transaction, waiting for it, while requests queued in the router): the step says
          // nothing about the layout, so it is invalid and not judged (generator-limits.ts).
          assert.equal(h.valid, false);
          assert.equal(h.meets, null);
          assert.match(h.invalidReasons.join('; '), /(^|; )generator-limited: /);
        } else {
          assert.equal(h.valid, true, h.invalidReasons.join('; '));
          assert.equal(h.meets, false);
          assert.match(h.misses.join('; '), /dropped \(backlog of 50 full\)/);
        }
      }
      // stopAfterMisses 3: every rate is tried even if a loaded machine makes 50/s miss. The
      // capacity is exactly the highest rate that passed below the lowest miss, never 100,000.
      const missed = l.steps.filter((s) => s.meets === false).map((s) => s.ratePerS);
      const firstMiss = missed.length ? Math.min(...missed) : null;
      const passes = l.steps.filter((s) => s.meets === true && (firstMiss === null || s.ratePerS < firstMiss)).map((s) => s.ratePerS);
      assert.equal(l.capacity.firstMissPerS, firstMiss);
      if (firstMiss === null) {
        // Nothing missed: 50 and 100/s passed and every 100,000/s step was the generator's limit.
        assert.ok(huge.every((h) => h.generatorLimited));
        assert.equal(l.capacity.kind, 'at-least', JSON.stringify(l.capacity));
        assert.equal(l.capacity.label, `≥ ${Math.max(...passes)} req/s (generator-limited)`);
      } else {
        assert.equal(l.capacity.kind, passes.length ? 'measured' : 'below', JSON.stringify(l.capacity));
        assert.equal(l.capacity.ratePerS, passes.length ? Math.max(...passes) : firstMiss);
        assert.equal(l.capacity.label, passes.length ? `${l.capacity.ratePerS} req/s` : `below ${firstMiss} req/s`);
      }
      assert.ok(l.capacity.ratePerS! < 100000);
      for (const s of l.steps.filter((x) => x.meets)) assert.ok(s.p99Ms! <= 250 && s.dropped === 0, JSON.stringify(s));
      const valid = l.steps.filter((x) => x.valid).length;
      // The report's capacity table, printed by the stage: first miss in req/s (the header's unit).
      assert.ok(
        output.includes(
          `| ${layout} | ${l.capacity.label} | ${firstMiss?.toLocaleString('en-US') ?? 'none'} | ${valid} of ${l.steps.length} |`,
        ),
        output,
      );
    }
    // Fair interleaving: every round runs each layout still sweeping once.
    assert.deepEqual([...c.order[0]!].sort(), ['schema', 'shared']);
    assert.match(
      output,
      /round 1 (shared|schema) 50\/s: offered \d+\/s, achieved \d+\/s, p50 [\d.]+ ms, p99 [\d.]+ ms \(service [\d.]+ ms\), late \d+, dropped 0, errors 0: meets P99 <= 250 ms/,
    );
  });

  it('writes every step to capacity.csv', () => {
    const csv = readFileSync(join(bundle, 'capacity.csv'), 'utf8').trim().split('\n');
    assert.equal(
      csv[0],
      'layout,round,phase,rate_per_s,offered_per_s,achieved_per_s,p50_ms,p95_ms,p99_ms,service_p99_ms,ok,errors,late,dropped,unfinished,valid,meets,why',
    );
    const summary = readJson<Summary>(join(bundle, 'summary.json'));
    const steps = Object.values(summary.capacity!.layouts).reduce((a, l) => a + l!.steps.length, 0);
    assert.equal(csv.length - 1, steps);
    assert.ok(
      // Missed (valid, short of the offered rate) or, where the generator's round trips held the
      // connections, invalid and generator-limited.
      csv.some((row) => /^shared,\d,sweep,100000,.*,(false,achieved|false,,"(.*; )?generator-limited: )/.test(row)),
      csv.join('\n'),
    );
  });

  it('reports the capacity table, the steps and the latency-vs-throughput chart with the target rule', async () => {
    const out = join(tempDir('tenantbench-sweep-rep-'), 'report');
    const r = await runCli(['report', bundle, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const summary = readJson<Summary>(join(bundle, 'summary.json'));
    const shared = summary.capacity!.layouts.shared!.capacity;
    assert.match(md, /\| layout \| P50 join \(ms\) .* \| capacity at P99 ≤ 250 ms \|/);
    assert.match(md, /## Capacity per layout/);
    assert.ok(md.includes(`| shared | ${shared.label} | ${shared.firstMissPerS?.toLocaleString('en-US') ?? 'none'} |`), md);
    assert.match(md, /## Rate sweep steps/);
    // The 100,000/s step: a miss, or (the generator's round trips holding the connections) invalid, generator-limited.
    assert.match(md, /\| shared \| \d \| 100,000 \| [\d,.]+ \| [\d,.]+ \|.*\| (miss: .*dropped|invalid: (.*; )?generator-limited: )/);
    const spec = readJson<{ layer: { mark: { type: string }; data: { values: Record<string, unknown>[] } }[] }>(
      join(out, 'latency-vs-throughput.vl.json'),
    );
    const rule = spec.layer.find((l) => l.mark.type === 'rule')!;
    assert.deepEqual(rule.data.values, [{ targetMs: 250 }]);
    const points = spec.layer.find((l) => l.mark.type === 'point')!.data.values;
    assert.equal(points.filter((p) => p.layout === 'shared').length, summary.capacity!.layouts.shared!.steps.filter((s) => s.valid).length);
    const svg = readFileSync(join(out, 'latency-vs-throughput.svg'), 'utf8');
    assert.match(svg, /<svg[\s\S]*<path/);
    assert.match(readFileSync(join(out, 'capacity.csv'), 'utf8'), /^layout,capacity,firstMiss_req_per_s,steps,note\n/);
  });
});

describe('rate sweep where every rate passes', () => {
  it('reports "≥ the last rate", from --rate-sweep and --p99-target on a scenario without a sweep', async () => {
    const results = tempDir('tenantbench-sweep-res-');
    const file = scenarioFile();
    const r = await runCli(
      [
        'run',
        '--scenario',
        file,
        '--layouts',
        'rls',
        '--profile',
        'test',
        '--results-dir',
        results,
        '-q',
        '--rate-sweep',
        '20,40',
        '--p99-target',
        '1000',
      ],
      { timeoutMs: 240_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const c = readJson<Summary>(join(onlyBundle(results), 'summary.json')).capacity!.layouts.rls!;
    const judged = c.steps.filter((s) => s.meets !== null);
    assert.ok(judged.length > 0 && judged.every((s) => s.meets), JSON.stringify(c.steps));
    assert.equal(c.capacity.kind, 'at-least');
    assert.equal(c.capacity.ratePerS, 40);
    assert.equal(c.capacity.label, '≥ 40 req/s');
    assert.equal(c.capacity.firstMissPerS, null);
    assert.match(r.stdout, /\| rls \| ≥ 40 req\/s \| none \|/);
  });
});

describe('compare: capacity', () => {
  const FIXTURE = join(packageRoot(), 'tests', 'fixtures', 'smoke-run');
  const capacity = (c: CapacityResult): CapacitySummary => ({
    schemaVersion: 1,
    config: {
      rates: [100, 200, 400, 800],
      p99TargetMs: 50,
      stepSeconds: 10,
      warmupSeconds: 3,
      minAchievedFraction: 0.95,
      maxErrorFraction: 0.001,
      stopAfterMisses: 1,
      refine: 0,
      mix: { 'recent-orders': 1 },
      connections: 8,
      arrival: 'poisson',
      lateMs: 10,
      maxBacklog: 1000,
      maxEventLoopLagMs: 50,
    },
    order: [],
    layouts: { rls: { status: 'ok', reason: null, capacity: c, steps: [] } },
  });
  const measured = (rate: number, miss: number): CapacityResult => ({
    kind: 'measured',
    ratePerS: rate,
    firstMissPerS: miss,
    label: `${rate} req/s`,
    reason: null,
  });
  /** A copy of the recorded bundle with a (synthetic) capacity section. */
  const withCapacity = (c: CapacityResult) => {
    const dir = join(tempDir('tenantbench-cmp-cap-'), 'run');
    cpSync(FIXTURE, dir, { recursive: true });
    const s = readJson<Summary>(join(dir, 'summary.json'));
    s.capacity = capacity(c);
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(s));
    return dir;
  };
  const compare = (b: string, c: string, ...extra: string[]) =>
    runCli(['compare', b, c, '--out', join(tempDir('tenantbench-cmp-cap-'), 'pr.md'), ...extra]);
  const baseline = withCapacity(measured(800, 1600));

  it('flags a capacity drop beyond the 10% default: exit 1', async () => {
    const r = await compare(baseline, withCapacity(measured(600, 800)));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /\| rls \| capacity at the P99 target \(req\/s\) \| 800 \| 600 \| -25\.0% \| 10% \| \*\*REGRESSION\*\* \|/);
  });

  it('passes a drop within a looser threshold, and the same capacity', async () => {
    assert.equal((await compare(baseline, withCapacity(measured(600, 800)), '--max-regression', 'capacity=30%')).code, 0);
    const same = await compare(baseline, withCapacity(measured(800, 1600)));
    assert.equal(same.code, 0, same.stdout);
    assert.match(same.stdout, /\| rls \| capacity at the P99 target \(req\/s\) \| 800 \| 800 \| 0\.0% \| 10% \| ok \|/);
  });

  it('does not compare a bound as a number, unless even the bound proves the regression', async () => {
    const lower = await compare(
      baseline,
      withCapacity({ kind: 'at-least', ratePerS: 400, firstMissPerS: null, label: '≥ 400 req/s', reason: 'sweep ended' }),
    );
    assert.equal(lower.code, 0, lower.stdout);
    assert.match(
      lower.stdout,
      /\| rls \| capacity at the P99 target \(req\/s\) \| 800 \| 400 \| n\/a \| 10% \| not comparable \(baseline 800, current ≥ 400 req\/s: a bound/,
    );
    const below = await compare(
      baseline,
      withCapacity({ kind: 'below', ratePerS: 100, firstMissPerS: 100, label: 'below 100 req/s', reason: 'first rate missed' }),
    );
    assert.equal(below.code, 1, below.stdout);
    assert.match(
      below.stdout,
      /\| rls \| capacity at the P99 target \(req\/s\) \| 800 \| 100 \| n\/a \| 10% \| \*\*REGRESSION\*\* \(baseline 800, current below 100 req\/s: worse by more than 10% even at the bounds\) \|/,
    );
  });
});
