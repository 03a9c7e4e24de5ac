/**
 * The tenant-scale sweep on real embedded PostgreSQL servers and tiny data: steps run through with
 * every figure recorded, the report has the sweep's tables and charts, a bad sweep field exits 2
 * naming it before any server starts, and the database layout with more tenants than its
 * connection cap completes a workload under the cap (router and server side).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveScenario } from '../src/config/load-scenario.js';
import type { Summary } from '../src/results/summary-schema.js';
import { UsageError } from '../src/errors.js';
import { readJson, runCli, tempDir } from './helpers.js';

/** A tiny sweep scenario: a brief workload, test-sized everything. */
function tinySweep(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tiny-scale',
    seed: 5,
    tenants: { count: 2, sizes: { kind: 'zipf', s: 1 } },
    rows: 3000,
    layouts: ['shared', 'rls', 'schema', 'database'],
    layoutOptions: { database: { maxConnections: 3 } },
    sweep: { tenants: [2, 4], extraTenants: { rls: [6] } },
    // The event-loop lag gate is tested with the workload; here a loaded test machine must not
    // turn a sub-second window invalid (its percentiles would then be null). A think time keeps the
    // closed loop below the generator's own limit (a generator near a core of CPU marks the window
    // invalid: src/workload/generator-limits.ts), so the figures are the layouts'.
    workload: { users: 4, thinkMs: 5, warmupSeconds: 0.2, durationSeconds: 0.6, repeats: 1, maxEventLoopLagMs: 5000 },
    ...extra,
  };
}

function writeScenario(dir: string, raw: unknown): string {
  const p = join(dir, 'scenario.json');
  writeFileSync(p, JSON.stringify(raw));
  return p;
}

function bundleOf(resultsDir: string): string {
  const [run] = readdirSync(resultsDir);
  assert.ok(run, `no results bundle in ${resultsDir}`);
  return join(resultsDir, run);
}

describe('tenant-scale sweep', () => {
  it('a sweep on tiny data runs through its steps, records every cost per step and layout, and reports them', async () => {
    const dir = tempDir('tb-sweep-');
    const scenario = writeScenario(dir, tinySweep());
    const r = await runCli(
      [
        'all',
        '--scenario',
        scenario,
        '--profile',
        'test',
        '--results-dir',
        join(dir, 'results'),
        '--reports-dir',
        join(dir, 'reports'),
        '--parallel',
        '2',
      ],
      { timeoutMs: 300_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /sweep step 1\/3: 2 tenants/);
    assert.match(r.stdout, /dropped the 2-tenant step's databases/);
    const bundle = bundleOf(join(dir, 'results'));
    const s = readJson<Summary>(join(bundle, 'summary.json'));
    const sw = s.sweep!;
    assert.ok(sw, 'summary.sweep');
    assert.deepEqual(sw.tenantCounts, [2, 4, 6]);
    assert.deepEqual(
      sw.steps.map((st) => st.layouts),
      [['shared', 'rls', 'schema', 'database'], ['shared', 'rls', 'schema', 'database'], ['rls']],
    );
    for (const st of sw.steps) {
      assert.equal(st.status, 'ok', `${st.tenants} tenants: ${st.reason}`);
      assert.equal(st.rows, 3000, 'equal total rows in every step');
      assert.match(st.datasetChecksum ?? '', /^[0-9a-f]{16}$/);
      assert.ok(st.harness && st.harness.peakRssBytes > 10 * 1048576 && st.harness.samples > 1, 'harness memory sampled');
      assert.deepEqual(Object.keys(st.perLayout).sort(), [...st.layouts].sort());
      for (const [name, l] of Object.entries(st.perLayout)) {
        const at = `${st.tenants} tenants, ${name}`;
        assert.equal(l!.status, 'ok', at);
        assert.ok(l!.seedSeconds! > 0, `${at}: seed seconds`);
        assert.equal(l!.rows, 3000, `${at}: rows`);
        assert.ok(l!.pgClassRows! > 0 && l!.catalogBytes! > 0, `${at}: catalog`);
        assert.ok(
          l!.catalogCache && l!.catalogCache.bytesAfter > l!.catalogCache.bytesBefore,
          `${at}: catalog cache grows after touching the tenants`,
        );
        // Figures over the valid repeats; a busy machine may invalidate them all, and the step's notes say why.
        const w = l!.workload;
        assert.ok(w, `${at}: workload`);
        if (w.valid) assert.ok(w.count > 0 && w.p50Ms! > 0 && w.p99Ms! >= w.p50Ms!, `${at}: workload ${JSON.stringify(w)}`);
        else
          assert.ok(
            l!.notes.some((n) => n.startsWith('workload: invalid repeats: ')),
            `${at}: ${JSON.stringify(l!.notes)}`,
          );
        assert.ok(
          l!.migration && l!.migration.status === 'ok' && l!.migration.sequentialSeconds! > 0 && l!.migration.parallelSeconds! > 0,
          `${at}: migration`,
        );
        assert.ok(
          l!.tenantDump && l!.tenantDump.status === 'ok' && l!.tenantDump.seconds! > 0,
          `${at}: single-tenant backup ${JSON.stringify(l!.tenantDump)}`,
        );
        assert.equal(l!.migration!.units, name === 'schema' || name === 'database' ? st.tenants : 1, `${at}: units`);
      }
    }
    // The per-tenant layouts' catalogs grow with the tenant count; the database layout's cache is one backend per tenant.
    const at = (n: number) => sw.steps.find((st) => st.tenants === n)!.perLayout;
    assert.ok(at(4).schema!.pgClassRows! > at(2).schema!.pgClassRows!, 'schema: more tenants, more pg_class rows');
    assert.equal(at(4).database!.catalogCache!.backends, 4);
    assert.match(at(2).shared!.tenantDump!.status === 'ok' ? (at(2).shared!.tenantDump as { method: string }).method : '', /^COPY/);
    assert.match((at(2).rls!.tenantDump as { method: string }).method, /enable-row-security/);
    assert.equal(s.layouts.schema!.status, 'not-run', 'no single run at tenants.count');
    // CSV in the bundle: one row per step and measured layout.
    const csv = readFileSync(join(bundle, 'sweep.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 1 + 4 + 4 + 1);
    // The report: the overview, a table per cost, charts of each cost against tenants.
    const reportDir = join(dir, 'reports', s.runId);
    const files = readdirSync(reportDir);
    for (const f of [
      'sweep.csv',
      'sweep-seed.csv',
      'sweep-migration-parallel.csv',
      'sweep-harness.csv',
      'sweep-connections.csv',
      'sweep-migration.svg',
      'sweep-harness-memory.png',
      'sweep-p99.vl.json',
      'sweep-catalog-cache.svg',
    ]) {
      assert.ok(files.includes(f), `report file ${f} (have: ${files.filter((x) => x.startsWith('sweep')).join(', ')})`);
    }
    const spec = readJson<{ encoding: { x: { scale: { type: string } } }; data: { values: Array<{ tenants: number; layout: string }> } }>(
      join(reportDir, 'sweep-migration.vl.json'),
    );
    assert.equal(spec.encoding.x.scale.type, 'log');
    assert.ok(spec.data.values.some((v) => v.tenants === 6 && v.layout === 'rls'));
    const md = readFileSync(join(reportDir, 'report.md'), 'utf8');
    assert.match(md, /Tenant scale: Migration, one unit at a time/);
    assert.match(md, /not measured: not in this step/);
    assert.match(r.stdout, /\| 6 \| rls \|/, 'all prints the sweep overview');
  });

  it('a bad sweep field exits 2 naming it, before any server starts', async () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ sweep: { tenants: [2, 2] } }, /sweep\.tenants.*listed twice/],
      [{ sweep: { tenants: [2, 4000] } }, /sweep\.tenants.*4000 tenants need at least 4000 rows/],
      [{ sweep: { tenants: [] } }, /sweep\.tenants/],
      [{ sweep: { tenants: [0] } }, /sweep\.tenants\.0/],
      [{ sweep: { tenants: [2], extraTenants: { hybrid: [8] } } }, /sweep\.extraTenants\.hybrid.*not in the scenario's layouts/],
      [{ sweep: { tenants: [2], extraTenants: { oracle: [8] } } }, /sweep\.extraTenants.*unknown field "oracle"/],
      [{ sweep: { tenants: [2], extraTenants: { rls: [2] } } }, /sweep\.extraTenants\.rls.*already a step/],
      [{ sweep: { tenant: [2] } }, /sweep.*unknown field "tenant"/],
      [{ sweep: { tenants: [2], limits: { pool: 10 } } }, /sweep\.limits.*unknown field "pool"/],
      [{ sweep: { tenants: [2], limits: { migrateUpTo: 0 } } }, /sweep\.limits\.migrateUpTo/],
      [
        { tenants: { count: 5 }, sweep: { tenants: [2, 5] }, workload: { tenantChoice: { kind: 'hot', share: 0.5, tenant: 't0004' } } },
        /sweep step with 2 tenants.*workload\.tenantChoice\.tenant/,
      ],
    ];
    for (const [extra, re] of bad) {
      assert.throws(
        () => resolveScenario(tinySweep(extra), 'tests/bad-sweep'),
        (err: unknown) => err instanceof UsageError && re.test(err.message),
        JSON.stringify(extra),
      );
    }
    assert.throws(
      () => resolveScenario(tinySweep(), 'tests/sweep', { tenants: 7 }),
      /field "tenants": --tenants 7 cannot be combined with a sweep/,
    );
    // --layouts drops the extra steps of layouts it leaves out; the steps keep the rest.
    const narrowed = resolveScenario(tinySweep(), 'tests/sweep', { layouts: ['schema'] });
    assert.deepEqual(
      narrowed.sweep!.steps.map((st) => [st.tenants, st.layouts]),
      [
        [2, ['schema']],
        [4, ['schema']],
      ],
    );
    const dir = tempDir('tb-sweep-bad-');
    const r = await runCli([
      'all',
      '--scenario',
      writeScenario(dir, tinySweep({ sweep: { tenants: [2, 4], extraTenants: { rls: [99999] } } })),
      '--profile',
      'test',
      '--results-dir',
      join(dir, 'results'),
    ]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /sweep\.extraTenants\.rls/);
    assert.doesNotMatch(r.stdout + r.stderr, /data in /, 'no server was started');
  });

  it('the database layout with 30 tenants under a cap of 4 connections completes its workload and reports the churn', async () => {
    const dir = tempDir('tb-sweep-cap-');
    const scenario = writeScenario(
      dir,
      tinySweep({
        tenants: { count: 30, sizes: { kind: 'uniform' } },
        layouts: ['database'],
        layoutOptions: { database: { maxConnections: 4 } },
        sweep: { tenants: [30] },
        workload: {
          users: 8,
          warmupSeconds: 0.2,
          durationSeconds: 0.5,
          repeats: 1,
          tenantChoice: { kind: 'uniform' },
          maxEventLoopLagMs: 5000,
        },
      }),
    );
    const r = await runCli(
      [
        'all',
        '--scenario',
        scenario,
        '--profile',
        'test',
        '--skip-operations',
        '--results-dir',
        join(dir, 'results'),
        '--reports-dir',
        join(dir, 'reports'),
      ],
      { timeoutMs: 300_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = readJson<Summary>(join(bundleOf(join(dir, 'results')), 'summary.json'));
    const st = s.sweep!.steps[0]!;
    const db = st.perLayout.database!;
    assert.ok(db.workload && db.workload.errors === 0, `workload completed: ${JSON.stringify(db.workload)}`);
    if (db.workload.valid) assert.ok(db.workload.count > 0, JSON.stringify(db.workload));
    const c = db.connections!;
    assert.equal(c.cap, 4);
    assert.ok(c.closed > 0, `connections closed and reopened under the cap: ${JSON.stringify(c)}`);
    assert.ok(c.opened > 4, `more connections opened than the cap: ${JSON.stringify(c)}`);
    assert.ok(c.peakOpen <= 4, `router peak ${c.peakOpen} <= cap`);
    assert.ok(c.serverPeak !== null && c.serverPeak > 0 && c.serverPeak <= 4, `server-side peak ${c.serverPeak} within the cap`);
    assert.ok(s.sweep!.serverMaxConnections! >= 4);
    assert.match(db.notes.join('\n'), /migration: not measured: --skip-operations/);
  });
});
