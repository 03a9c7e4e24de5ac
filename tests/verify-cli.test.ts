/**
 * `tenantbench verify` as a user runs it: exit 0 and a complete isolation section on the healthy
 * layouts; exit 1 when a leak is found (a layout broken through the test hook); exit 2 on bad input
 * before any server starts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { summarySchema } from '../src/results/summary-schema.js';
import { PROBES } from '../src/verify/probe-registry.js';
import { dataDirOf, existsSync, readJson, runCli, tempDir, waitNoProcesses, itRefusesBeforeAnyServer } from './helpers.js';

const TINY = `
name: tiny-verify
seed: 3
tenants: { count: 3, sizes: { kind: zipf, s: 1 } }
rows: 900
layoutOptions:
  hybrid: { dedicated: 1, placement: database }
  database: { maxConnections: 2 }
`;

function tinyFile(): string {
  const p = join(tempDir('tenantbench-scn-'), 'tiny-verify.yaml');
  writeFileSync(p, TINY);
  return p;
}

function onlyBundle(resultsDir: string): string {
  const runs = readdirSync(resultsDir);
  assert.equal(runs.length, 1, runs.join(', '));
  return join(resultsDir, runs[0]!);
}

describe('verify: bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown flag', ['verify', '--self-tst'], /unknown option '--self-tst'/],
    ['unknown layout', ['verify', '--layouts', 'rls,sharded'], /layouts.*allowed/s],
    ['bad target', ['verify', '--target', 'k8s'], /Allowed choices are embedded, url/],
    ['--self-test with --seeded', ['verify', '--self-test', '--seeded'], /cannot be used with option '--seeded'/],
    ['one tenant', ['verify', '--tenants', '1', '--rows', '100'], /verify needs at least 2 tenants/],
  ];
  itRefusesBeforeAnyServer(cases);

  it('--help describes the command', async () => {
    const r = await runCli(['verify', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--self-test/);
  });
});

describe('verify on the embedded target', () => {
  it('healthy layouts: exit 0, the layout x probe table, isolation.csv and summary.json isolation', async () => {
    const results = tempDir('tenantbench-res-');
    const r = await runCli(['verify', '--scenario', tinyFile(), '--profile', 'test', '--results-dir', results, '-q']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\| probe \| shared \| rls \| schema \| database \| hybrid \|/);
    assert.match(r.stdout, /\| read-by-id \| blocked \| blocked \| blocked \| blocked \| blocked \|/);
    assert.match(r.stdout, /isolation: \d+ blocked, \d+ findings, 0 leaked/);
    assert.deepEqual(await waitNoProcesses(dataDirOf(r.stdout)!), []);
    const bundle = onlyBundle(results);
    const summary = summarySchema.parse(readJson(join(bundle, 'summary.json')));
    assert.equal(summary.status, 'ok');
    const iso = summary.isolation!;
    assert.equal(iso.leaked, 0);
    assert.equal(iso.selfTest, null);
    assert.deepEqual(Object.keys(iso.layouts), ['shared', 'rls', 'schema', 'database', 'hybrid']);
    for (const [name, l] of Object.entries(iso.layouts)) {
      assert.equal(l.status, 'ok', name);
      assert.equal(l.probes.length, PROBES.length, name);
      assert.equal(l.blocked + l.findings + l.leaked + l.notApplicable, PROBES.length, name);
      for (const p of l.probes.filter((x) => x.outcome !== 'not-applicable'))
        assert.ok(p.sql.length > 0 && p.expected.length > 0, `${name}/${p.id} records its SQL`);
    }
    const csv = readFileSync(join(bundle, 'isolation.csv'), 'utf8');
    assert.match(csv, /^layout,probe,outcome,rows_seen,rows_affected,sqlstate,expected,detail,sql/);
    assert.match(csv, /\nrls,insert-for-other-tenant,blocked,,0,42501,/);
  });

  it('a leak (rls app role given BYPASSRLS through the test hook): exit 1, the leak named, summary failed', async () => {
    const results = tempDir('tenantbench-res-');
    const r = await runCli(['verify', '--scenario', tinyFile(), '--layouts', 'rls', '--profile', 'test', '--results-dir', results, '-q'], {
      env: { TENANTBENCH_VERIFY_BREAK: 'rls-bypassrls' },
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /\| read-by-id \| LEAKED \|/);
    assert.match(r.stderr, /isolation leak\(s\):[\s\S]*rls\/role-configuration: .*BYPASSRLS/);
    const dataDir = dataDirOf(r.stdout)!;
    assert.deepEqual(await waitNoProcesses(dataDir), []);
    assert.equal(existsSync(dataDir), false);
    const summary = summarySchema.parse(readJson(join(onlyBundle(results), 'summary.json')));
    assert.equal(summary.status, 'failed');
    assert.ok(summary.isolation!.leaked > 0);
    assert.equal(summary.isolation!.layouts.rls!.probes.find((p) => p.id === 'read-by-scan')!.outcome, 'leaked');
  });
});
