/**
 * Ctrl-C (and SIGTERM) in every stage of `all` after seeding (seeding itself: tests/cli.test.ts):
 * the workload, the isolation probes, the migrations, the backups. Each time: exit 130/143, the
 * bundle says `interrupted by <signal>` (not the errors the shutdown causes), no layout is marked
 * failed, and no postgres process or throwaway cluster is left.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Summary } from '../src/results/summary-schema.js';
import { dataDirOf, existsSync, readJson, runCli, tempDir, waitNoProcesses } from './helpers.js';

const TINY = `
name: tiny-int
seed: 3
tenants: { count: 4, sizes: { kind: zipf, s: 1 } }
rows: 4000
layoutOptions:
  hybrid: { dedicated: 1, placement: schema }
  database: { maxConnections: 2 }
workload: { mode: closed, users: 4, warmupSeconds: 0.2, durationSeconds: 0.5, repeats: 1 }
`;

// A sweep (tenants 4 then 5, database layout): interrupted while it drops the first step's databases.
const SWEEP = `
name: tiny-int-sweep
seed: 3
tenants: { count: 4, sizes: { kind: uniform } }
rows: 400
layouts: [database]
sweep: { tenants: [4, 5] }
layoutOptions:
  database: { maxConnections: 2 }
workload: { mode: closed, users: 2, warmupSeconds: 0.2, durationSeconds: 0.5, repeats: 1 }
`;

// The stages before the one interrupted that it does not need are skipped (--skip-run, --skip-verify):
// what is checked is the interrupted stage and the bundle, not the stages before it.
const STAGES: { stage: string; when: RegExp; signal: NodeJS.Signals; code: number; skip: string[]; yaml?: string }[] = [
  { stage: 'the workload', when: /repeat 1\/1 \w+: \d+ ok/, signal: 'SIGINT', code: 130, skip: [] },
  { stage: 'the isolation probes', when: /verify rls: \d+ probes/, signal: 'SIGINT', code: 130, skip: ['--skip-run'] },
  { stage: 'the migrations', when: /rls: migrated/, signal: 'SIGTERM', code: 143, skip: ['--skip-run', '--skip-verify'] },
  { stage: 'the backups', when: /rls: backup/, signal: 'SIGINT', code: 130, skip: ['--skip-run', '--skip-verify'] },
  {
    stage: "a sweep's drops",
    when: /dropping the 4-tenant step's databases/,
    signal: 'SIGINT',
    code: 130,
    skip: ['--skip-run', '--skip-operations'],
    yaml: SWEEP,
  },
];

// Two rows at a time: each is its own CLI process with its own server, port, data directory and
// bundle, and mostly waits (server start, seeding); the checks look at that row's processes only.
describe('interrupted in every stage', { concurrency: 2 }, () => {
  for (const { stage, when, signal, code, skip, yaml } of STAGES) {
    it(`${signal} during ${stage}: exit ${code}, bundle interrupted, nothing failed, nothing left`, async () => {
      const dir = tempDir('tenantbench-int-');
      const scenario = join(dir, 'tiny.yaml');
      writeFileSync(scenario, yaml ?? TINY);
      const results = join(dir, 'results');
      const r = await runCli(
        ['all', '--scenario', scenario, '--profile', 'test', '--results-dir', results, '--reports-dir', join(dir, 'reports'), ...skip],
        { onOutput: (all) => (when.test(all) ? signal : null), timeoutMs: 600_000 },
      );
      assert.equal(r.code, code, r.stdout + r.stderr);
      const dataDir = dataDirOf(r.stdout)!;
      assert.deepEqual(await waitNoProcesses(dataDir), [], 'no postgres left');
      assert.equal(existsSync(dataDir), false, 'throwaway cluster removed');
      const runs = readdirSync(results);
      assert.equal(runs.length, 1);
      const summary = readJson<Summary>(join(results, runs[0]!, 'summary.json'));
      assert.equal(summary.status, 'interrupted');
      assert.equal(summary.error, `interrupted by ${signal}`);
      for (const st of summary.sweep?.steps ?? []) assert.notEqual(st.status, 'failed', `sweep step ${st.tenants}: ${st.reason}`);
      if (yaml) assert.equal(summary.sweep?.steps[0]?.status, 'ok', 'the step before the drops kept');
      for (const [name, l] of Object.entries(yaml ? {} : summary.layouts)) {
        assert.notEqual(l?.status, 'failed', `${name}: ${l?.reason}`);
        assert.equal(l?.status === 'ok' || /interrupted|not reached/.test(l?.reason ?? ''), true, `${name}: ${l?.status} ${l?.reason}`);
      }
      for (const [name, w] of Object.entries(summary.workload?.layouts ?? {}))
        assert.notEqual(w?.status, 'failed', `${name}: ${w?.reason}`);
    });
  }
});
