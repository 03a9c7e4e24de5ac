/**
 * `tenantbench run` as a user runs it: a bad mix (unknown query, weights summing to 0) exits 2
 * naming the field before any server starts; a short run on tiny data writes per layout and query
 * percentiles, errors, the encoded histograms and the per-interval CSV, validated by the schema.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LatencyHistogram } from '../src/measure/latency-histogram.js';
import type { Summary } from '../src/results/summary-schema.js';
import { summarySchema } from '../src/results/summary-schema.js';
import { readJson, runCli, tempDir, itRefusesBeforeAnyServer } from './helpers.js';

function scenarioFile(workload: string): string {
  const p = join(tempDir('tenantbench-wl-'), 'tiny-run.yaml');
  writeFileSync(
    p,
    `name: tiny-run
seed: 5
tenants: { count: 4, sizes: { kind: zipf, s: 1 } }
rows: 4000
layoutOptions:
  hybrid: { dedicated: 1, placement: schema }
  database: { maxConnections: 4 }
workload:
${workload}
`,
  );
  return p;
}

describe('run: bad workload input', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'unknown query on the command line',
      ['run', '--scenario', 'smoke', '--mix', 'recent-orders=1,full-scan=2'],
      /workload\.mix\.full-scan.*unknown query "full-scan"; allowed: recent-orders/s,
    ],
    ['weights summing to 0', ['run', '--scenario', 'smoke', '--mix', 'recent-orders=0,point-lookup=0'], /workload\.mix.*sum to 0/s],
    [
      'unknown query in a scenario file',
      ['run', '--scenario', scenarioFile('  mix: { recent-orders: 1, nope: 1 }')],
      /field "workload\.mix\.nope"/,
    ],
    [
      'unknown workload field',
      ['run', '--scenario', scenarioFile('  users: 4\n  thinkTime: 3')],
      /field "workload\.thinkTime": unknown field/,
    ],
    ['bad mode', ['run', '--scenario', 'smoke', '--mode', 'half-open'], /Allowed choices are closed, open/],
    ['malformed --mix', ['run', '--scenario', 'smoke', '--mix', 'recent-orders'], /--mix: expected name=weight/],
  ];
  itRefusesBeforeAnyServer(cases);
});

describe('run --help', () => {
  it('documents the workload flags', async () => {
    const r = await runCli(['run', '--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--seeded', '--repeats', '--duration', '--warmup', '--mode', '--users', '--rate', '--mix', '--no-prepared'])
      assert.match(r.stdout, new RegExp(flag));
  });
});

describe('run: a short closed-loop run on tiny data', () => {
  it('writes percentiles, errors, histograms and intervals per layout and query', async () => {
    const results = tempDir('tenantbench-res-');
    const file = scenarioFile(
      '  users: 4\n  warmupSeconds: 0.2\n  durationSeconds: 0.5\n  intervalSeconds: 0.25\n  repeats: 2\n  tenantChoice: { kind: hot, share: 0.5 }\n  http: { connections: 2, durationSeconds: 0.5 }',
    );
    const r = await runCli(
      ['run', '--scenario', file, '--layouts', 'shared,rls,schema', '--profile', 'test', '--results-dir', results, '-q'],
      { timeoutMs: 240_000 },
    );
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /\| shared \| recent-orders \| [\d.]+ \|/);
    assert.match(r.stdout, /\| layout \| HTTP P50 \(ms\) \|/);
    const dir = join(results, readdirSync(results)[0]!);
    const summary = summarySchema.parse(readJson<Summary>(join(dir, 'summary.json')));
    const ws = summary.workload!;
    assert.equal(ws.order.length, 2);
    for (const order of ws.order) assert.deepEqual([...order].sort(), ['rls', 'schema', 'shared']);
    for (const layout of ['shared', 'rls', 'schema'] as const) {
      const l = ws.layouts[layout]!;
      assert.equal(l.status, 'ok', layout);
      assert.ok(l.http && l.http.ok > 0 && l.http.non2xx === 0 && l.http.repeats === 2, `${layout} over HTTP: ${JSON.stringify(l.http)}`);
      for (const name of ['recent-orders', 'point-lookup', 'order-report', 'order-search', 'create-order']) {
        const q = l.queries[name]!;
        // Counted per repeat whether or not the window was valid (the pooled count holds valid ones only).
        assert.ok(q.repeats.reduce((n, rep) => n + rep.count, 0) > 0, `${layout}/${name} count: ${JSON.stringify(q.repeats)}`);
        assert.deepEqual(q.errors, {}, `${layout}/${name} errors`);
        assert.equal(q.repeats.length, 2);
        if (!q.valid) continue; // a loaded machine may lag: then percentiles are withheld, as they should be
        assert.ok(
          q.p50Ms! <= q.p95Ms! && q.p95Ms! <= q.p99Ms! && q.p99Ms! <= q.p999Ms! && q.p999Ms! <= q.maxMs! * 1.001,
          `${layout}/${name} ordered`,
        );
        const h = LatencyHistogram.decode(q.histogram!);
        assert.equal(h.count, q.count, 'the encoded histogram holds every recorded request');
        assert.ok(Math.abs(h.percentileMs(99)! - q.p99Ms!) < 1e-9, 're-decoded p99 matches');
        assert.ok(q.throughputPerS! > 0);
        assert.equal(q.mode, 'closed');
        assert.equal(q.offeredPerS, null);
      }
    }
    const csv = readFileSync(join(dir, 'workload-intervals.csv'), 'utf8').trim().split('\n');
    assert.match(csv[0]!, /^repeat,layout,at_s,ok,errors,throughput_per_s,p50_ms,p99_ms,max_ms$/);
    assert.ok(csv.length > 6, `intervals: ${csv.length - 1}`);
    assert.match(readFileSync(join(dir, 'workload.csv'), 'utf8'), /^layout,query,mode,valid,count/);
    const schema = readFileSync(join(dir, 'summary.schema.json'), 'utf8');
    assert.match(schema, /"workload"/);
  });
});
