/**
 * The CLI as a user runs it: bad input exits 2 before any server starts; a failure mid-run and
 * Ctrl-C keep the results so far and leave no postgres behind (`all` writing a complete bundle:
 * tests/smoke-summary-structure.test.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Summary } from '../src/results/summary-schema.js';
import { dataDirOf, existsSync, readJson, runCli, tempDir, waitNoProcesses } from './helpers.js';

const TINY = `
name: tiny-cli
seed: 3
tenants: { count: 4, sizes: { kind: zipf, s: 1 } }
rows: 4000
layoutOptions:
  hybrid: { dedicated: 1, placement: schema }
  database: { maxConnections: 2 }
workload: { mode: closed, users: 4, warmupSeconds: 0.2, durationSeconds: 0.5, repeats: 1 }
`;

function tinyFile(): string {
  const dir = tempDir('tenantbench-scn-');
  const p = join(dir, 'tiny-cli.yaml');
  writeFileSync(p, TINY);
  return p;
}

function onlyBundle(resultsDir: string): string {
  const runs = readdirSync(resultsDir);
  assert.equal(runs.length, 1, `one bundle in ${resultsDir}: ${runs.join(', ')}`);
  return join(resultsDir, runs[0]!);
}

describe('bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown layout', ['all', '--layouts', 'rls,sharded'], /layouts.*allowed: shared, rls, schema, database, hybrid/s],
    ['unknown scenario', ['all', '--scenario', 'nope'], /unknown scenario "nope"; allowed:/],
    ['non-integer tenants', ['all', '--tenants', 'ten'], /--tenants must be a positive integer/],
    ['unknown flag', ['all', '--tennants', '3'], /unknown option '--tennants'/],
    ['bad target', ['all', '--target', 'k8s'], /Allowed choices are embedded, url/],
    ['bad database url', ['all', '--database-url', 'mysql://x'], /scheme "mysql:"/],
    ['fewer rows than tenants', ['seed', '--tenants', '50', '--rows', '10'], /fewer than the 50 tenants/],
    ['unknown command', ['sedd'], /unknown command 'sedd'/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: exit 2 with a message, and no server started`, async () => {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      // A started server always announces itself with this line.
      assert.doesNotMatch(r.stdout + r.stderr, /embedded PostgreSQL/);
    });
  }

  it('--help works on every subcommand', async () => {
    for (const cmd of ['all', 'seed', 'scenarios']) {
      const r = await runCli([cmd, '--help']);
      assert.equal(r.code, 0, cmd);
      assert.match(r.stdout, /Usage: tenantbench/);
    }
  });
});

// `all` on the embedded target (every layout seeded with identical checksums, the bundle, the main
// table, the server stopped): tests/smoke-summary-structure.test.ts, on the smoke run it shares.

// Two at a time: each run is its own CLI process, server, data directory and bundle; the checks
// look at that run's processes only.
describe('failures keep what was measured and leave no server', { concurrency: 2 }, () => {
  it('a failure after the first layout: exit 1, summary keeps the finished layout', async () => {
    const results = tempDir('tenantbench-res-');
    const r = await runCli(
      ['all', '--scenario', tinyFile(), '--profile', 'test', '--results-dir', results, '--reports-dir', tempDir('tenantbench-rep-')],
      {
        env: { TENANTBENCH_FAULT: 'before:schema' },
      },
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /injected fault/);
    assert.match(r.stderr, /results gathered so far: /);
    const dataDir = dataDirOf(r.stdout)!;
    assert.deepEqual(await waitNoProcesses(dataDir), []);
    const summary = readJson<Summary>(join(onlyBundle(results), 'summary.json'));
    assert.equal(summary.status, 'failed');
    assert.equal(summary.layouts.shared!.status, 'ok');
    assert.equal(summary.layouts.rls!.status, 'ok');
    assert.equal(summary.layouts.schema!.status, 'failed');
    assert.equal(summary.layouts.database!.status, 'not-run');
    assert.match(summary.layouts.database!.reason!, /schema failed/);
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} in the middle of seeding: exit ${code}, summary says interrupted, no postgres left`, async () => {
      const results = tempDir('tenantbench-res-');
      const r = await runCli(
        ['all', '--scenario', tinyFile(), '--profile', 'test', '--results-dir', results, '--reports-dir', tempDir('tenantbench-rep-')],
        {
          onOutput: (all) => (/\[schema\] load/.test(all) ? signal : null),
        },
      );
      assert.equal(r.code, code, r.stderr);
      const dataDir = dataDirOf(r.stdout)!;
      assert.deepEqual(await waitNoProcesses(dataDir), []);
      assert.equal(existsSync(dataDir), false);
      const summary = readJson<Summary>(join(onlyBundle(results), 'summary.json'));
      assert.equal(summary.status, 'interrupted');
      assert.equal(summary.layouts.shared!.status, 'ok');
      // Interrupted, not failed: the shutdown's 57P01 is neither the run's error nor a layout failure.
      assert.equal(summary.error, `interrupted by ${signal}`);
      assert.notEqual(summary.layouts.schema!.status, 'failed', summary.layouts.schema!.reason ?? '');
      assert.doesNotMatch(JSON.stringify(summary), /57P01|terminating connection/);
    });
  }
});

describe('a harness killed without warning', () => {
  it('SIGKILL: the watchdog stops the server and removes the throwaway cluster', async () => {
    const results = tempDir('tenantbench-res-');
    const r = await runCli(
      ['all', '--scenario', tinyFile(), '--profile', 'test', '--results-dir', results, '--reports-dir', tempDir('tenantbench-rep-')],
      {
        onOutput: (all) => (/\[shared\] load/.test(all) ? 'SIGKILL' : null),
      },
    );
    assert.equal(r.signal, 'SIGKILL');
    const dataDir = dataDirOf(r.stdout)!;
    assert.ok(dataDir);
    assert.deepEqual(await waitNoProcesses(dataDir, 20_000), [], 'no postgres process left');
    for (let i = 0; i < 50 && existsSync(dataDir); i++) await new Promise((res) => setTimeout(res, 100));
    assert.equal(existsSync(dataDir), false, 'cluster directory removed');
  });
});

describe('a persistent embedded cluster (--pg-data)', () => {
  it('refuses a non-empty directory it did not create (exit 2), touching nothing in it', async () => {
    const foreign = tempDir('tenantbench-foreign-');
    writeFileSync(join(foreign, 'notes.txt'), 'not a cluster\n');
    const r = await runCli(['seed', '--scenario', tinyFile(), '--profile', 'test', '--pg-data', foreign, '-q']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--pg-data .*not empty and not a cluster directory tenantbench created \(found notes\.txt\)/);
    assert.deepEqual(readdirSync(foreign), ['notes.txt']);
  });

  it('keeps the seeded layouts for a later `seed --seeded`, which checks them without re-seeding', async () => {
    const pgData = tempDir('tenantbench-pgdata-');
    const results = tempDir('tenantbench-res-');
    const common = [
      '--scenario',
      tinyFile(),
      '--profile',
      'test',
      '--results-dir',
      results,
      '--pg-data',
      pgData,
      '--layouts',
      'shared,schema',
    ];
    const first = await runCli(['seed', ...common]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(await waitNoProcesses(pgData), [], 'server stopped after the command');
    assert.ok(existsSync(join(pgData, 'data', 'PG_VERSION')), 'cluster kept');
    const second = await runCli(['seed', '--seeded', ...common]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already seeded: checking/);
    const runs = readdirSync(results).sort();
    const summary = readJson<Summary>(join(results, runs[1]!, 'summary.json'));
    assert.equal(summary.dataset.identicalAcrossLayouts, true);
    assert.equal(summary.layouts.shared!.seed, null, 'no seeding figures for a check-only run');
    assert.equal(summary.layouts.schema!.rows, 4000);
    assert.deepEqual(await waitNoProcesses(pgData), []);
  });
});
