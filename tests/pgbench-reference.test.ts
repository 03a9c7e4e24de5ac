/**
 * `run --reference pgbench`: after each layout's measured windows, pgbench drives the same SQL with
 * the same connections (closed loop) or offered rate (open loop), on all five layouts; its figures
 * land in summary.json next to tenantbench's and in the report; a query pgbench cannot express
 * (create-order) is reported with the reason; pgbench absent is "not measured" and exit 0; a bad
 * value of the flag or the scenario field is exit 2 naming it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LAYOUT_NAMES } from '../src/config/scenario-schema.js';
import { loadResults } from '../src/report/load-results.js';
import { referenceSection } from '../src/report/reference-section.js';
import type { Summary } from '../src/results/summary-schema.js';
import { summarySchema } from '../src/results/summary-schema.js';
import type { Reference } from '../src/results/workload-schema.js';
import { PGBENCH_BIN_ENV } from '../src/workload/pgbench-binary.js';
import { readJson, runCli, tempDir } from './helpers.js';

const READS = ['recent-orders', 'point-lookup', 'order-search', 'order-report'];

/** The one bundle a run wrote into `results`. */
async function runSummary(args: string[], env: Record<string, string> = {}): Promise<{ summary: Summary; dir: string; out: string }> {
  const results = tempDir('tenantbench-pgref-');
  // Minutes when the shared machine is busy (a 180 s timeout was hit at a load average of 35).
  const r = await runCli([...args, '--profile', 'test', '--results-dir', results], { env, timeoutMs: 400_000 });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const dir = /results: (\S+)/.exec(r.stdout)?.[1];
  assert.ok(dir, r.stdout);
  return { summary: summarySchema.parse(readJson(join(dir, 'summary.json'))), dir, out: r.stdout + r.stderr };
}

function scenarioFile(workload: string): string {
  const p = join(tempDir('tenantbench-pgref-sc-'), 'pgref.yaml');
  writeFileSync(
    p,
    `name: pgref
seed: 3
tenants: { count: 3 }
rows: 3000
layouts: [rls]
workload:
  mix: { recent-orders: 3, create-order: 1 }
  users: 2
  warmupSeconds: 0.5
  durationSeconds: 1
  repeats: 1
${workload}
`,
  );
  return p;
}

const refOf = (s: Summary, layout: string): Reference => {
  const ref = s.workload?.layouts[layout as (typeof LAYOUT_NAMES)[number]]?.reference;
  assert.ok(ref, `${layout} has a reference`);
  return ref;
};

describe('run --reference pgbench', () => {
  it('smoke, all five layouts, closed loop: pgbench figures for every readable query, a reason for create-order', async () => {
    const { summary, dir } = await runSummary([
      'run',
      '--scenario',
      'smoke',
      '--rows',
      '6000',
      '--reference',
      'pgbench',
      '--repeats',
      '1',
      '--duration',
      '1',
      '--warmup',
      '0.5',
      '-q',
    ]);
    const tenants = summary.scenario.tenants;
    for (const layout of LAYOUT_NAMES) {
      const ref = refOf(summary, layout);
      assert.equal(ref.reason, null, `${layout}: ${ref.reason}`);
      assert.match(ref.version ?? '', /^\d+/);
      assert.equal(ref.mode, 'closed');
      assert.equal(ref.latencyBasis, 'actual-start');
      assert.equal(ref.connections, layout === 'database' ? Math.max(8, tenants) : 8, `${layout}: the workload's 8 connections`);
      for (const q of READS) {
        const r = ref.queries[q];
        assert.ok(r?.measured, `${layout} ${q}: ${JSON.stringify(r)}`);
        assert.ok(r.transactions > 0, `${layout} ${q}: transactions`);
        assert.equal(r.failures, 0, `${layout} ${q}: failures`);
        assert.ok(r.p50Ms! > 0 && r.p99Ms! >= r.p50Ms! && r.maxMs! > 0, `${layout} ${q}: percentiles`);
        assert.ok(r.histogram);
      }
      const co = ref.queries['create-order'];
      assert.ok(co && !co.measured, `${layout}: create-order not measured`);
      assert.match(co.reason, /writes rows/);
    }
    // One pgbench per tenant database; the hybrid: its pooled database and the dedicated tenant's.
    assert.equal(refOf(summary, 'database').processes, tenants);
    assert.equal(refOf(summary, 'hybrid').processes, 2);
    assert.equal(refOf(summary, 'rls').processes, 1);

    const section = referenceSection(loadResults(dir).summary);
    const table = section?.tables[0];
    assert.ok(table, 'the report has the pgbench section');
    const rows = table.rows.filter((r) => r.query === 'recent-orders');
    assert.equal(rows.length, LAYOUT_NAMES.length);
    for (const r of rows) assert.ok(typeof r.p50Ratio === 'number' && typeof r.p99Ratio === 'number', JSON.stringify(r));
    const co = table.rows.find((r) => r.query === 'create-order');
    assert.match(String(co?.pgP50), /^not measured: it writes rows/);
  });

  it('open loop from the scenario field: the same offered rate, latency from the scheduled start', async () => {
    const { summary } = await runSummary(['run', '--scenario', scenarioFile('  mode: open\n  ratePerS: 200\n  reference: pgbench'), '-q']);
    const ref = refOf(summary, 'rls');
    assert.equal(ref.mode, 'open');
    assert.equal(ref.latencyBasis, 'intended-start');
    assert.equal(ref.offeredPerS, 150, "recent-orders' part of 200/s (3 of 4)");
    assert.notEqual(ref.scheduleLagP99Ms, null);
    const r = ref.queries['recent-orders'];
    assert.ok(r?.measured);
    assert.equal(r.offeredPerS, 150);
    // Poisson arrivals over 1 s at 150/s: well within 80..250 completions.
    assert.ok(r.transactions > 80 && r.transactions < 250, `transactions ${r.transactions}`);
    assert.equal(ref.queries['create-order']?.measured, false);
  });

  it('pgbench absent: "not measured: pgbench not found at ..." for every query, exit 0', async () => {
    const empty = join(tempDir('tenantbench-pgref-bin-'), 'bin');
    mkdirSync(empty);
    const { summary, out, dir } = await runSummary(['run', '--scenario', scenarioFile('  reference: pgbench')], {
      [PGBENCH_BIN_ENV]: join(empty, 'pgbench'),
    });
    const ref = refOf(summary, 'rls');
    assert.match(ref.reason ?? '', new RegExp(`^not measured: pgbench not found at ${empty}/pgbench`));
    for (const q of ['recent-orders', 'create-order']) assert.deepEqual(ref.queries[q], { measured: false, reason: ref.reason });
    assert.match(out, /reference: not measured: pgbench not found/);
    assert.ok(summary.workload?.layouts.rls?.queries['recent-orders']?.count, "tenantbench's own figures are there");
    const table = referenceSection(loadResults(dir).summary)!.tables[0]!;
    assert.match(String(table.rows[0]!.pgP50), /^not measured: pgbench not found/);
  });

  it('a bad value: exit 2 naming the flag or the field, no server started', async () => {
    const [flag, field] = await Promise.all([
      runCli(['run', '--scenario', 'smoke', '--reference', 'jmeter']),
      runCli(['run', '--scenario', scenarioFile('  reference: jmeter')]),
    ]);
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /Allowed choices are pgbench, none/);
    assert.equal(field.code, 2, field.stderr);
    assert.match(field.stderr, /field "workload\.reference"/);
    assert.doesNotMatch(flag.stdout + field.stdout + flag.stderr + field.stderr, /embedded PostgreSQL/);
  });
});
