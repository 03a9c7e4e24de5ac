/**
 * Ctrl-C stops the server cleanly, checked rather than assumed: a run interrupted by SIGINT in its
 * workload leaves a cluster whose control file says "shut down" and whose log ends with "database
 * system is shut down" (the signal handler ran the cleanups: a fast shutdown). A crash stop (the
 * exit hook's or the watchdog's SIGQUIT, the emergency path tested in tests/embedded-postgres.test.ts)
 * leaves "in production" and no such log line. --pg-data keeps the cluster to be inspected.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findPgBinaries } from '../src/target/pg-binaries.js';
import { runCli, tempDir, waitNoProcesses } from './helpers.js';

const TINY = `
name: tiny-shutdown
seed: 5
tenants: { count: 3, sizes: { kind: zipf, s: 1 } }
rows: 3000
workload: { mode: closed, users: 2, warmupSeconds: 1, durationSeconds: 60, repeats: 1 }
`;

describe('clean shutdown on Ctrl-C', () => {
  it('SIGINT during the workload: exit 130, the server shut down cleanly (control file and log)', async () => {
    const dir = tempDir('tenantbench-shutdown-');
    const scenario = join(dir, 'tiny.yaml');
    writeFileSync(scenario, TINY);
    // Its own directory: the server runs as another OS user when the tests run as root.
    const pgData = tempDir('tenantbench-shutdown-pg-');
    const r = await runCli(
      ['run', '--scenario', scenario, '--layouts', 'rls', '--profile', 'test', '--pg-data', pgData, '--results-dir', join(dir, 'results')],
      { onOutput: (all) => (/workload: closed loop/.test(all) ? 'SIGINT' : null), timeoutMs: 300_000 },
    );
    assert.equal(r.code, 130, r.stdout + r.stderr);
    assert.deepEqual(await waitNoProcesses(pgData), [], 'no postgres left');
    const control = execFileSync(join(findPgBinaries().binDir, 'pg_controldata'), [join(pgData, 'data')], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    });
    assert.match(control, /^Database cluster state:\s+shut down$/m, control);
    const log = readFileSync(join(pgData, 'postgres.log'), 'utf8');
    assert.match(log, /received fast shutdown request/, log.slice(-2000));
    assert.match(log.trimEnd().split('\n').at(-1) ?? '', /database system is shut down/, log.slice(-2000));
    assert.doesNotMatch(log, /received immediate shutdown request|terminating any other active server processes/);
  });
});
