/**
 * The fault suite's remaining rows (issue 15), table-driven on tiny data: the faults the other
 * suites do not cover (SIGINT/SIGTERM in the stages of `all`: interrupt-stages; in seeding and a
 * SIGKILL while seeding: cli; backends killed and servers crashed: workload-*-faults, -restart,
 * -target-gone; PgBouncer: pooler).
 *
 * - SIGKILL of the harness while it runs the workload, verifies, migrates or backs up: the watchdog
 *   stops the server and removes the throwaway cluster and the harness's temporary directories (a
 *   backup's dumps included);
 * - SIGINT during `seed`, `verify` and `report`: exit 130, the bundle says interrupted, no half report;
 * - the results bundle replaced by a file in the middle of a run: a clear error, exit 1, no hang.
 *
 * Every row: the exit code or signal, the bundle's status and what it kept from before the fault,
 * no process left for its data directory, and its private TMPDIR empty (every temporary directory
 * the harness makes lives there). The rows on the persistent cluster (--seeded, seeded once) run in
 * an order that keeps each one's leftovers out of the next one's way.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Summary } from '../src/results/summary-schema.js';
import { dataDirOf, existsSync, readJson, runCli, tempDir, waitNoProcesses } from './helpers.js';
import type { CliRun } from './helpers.js';
import { packageRoot } from '../src/paths.js';
import { serverOsUser } from '../src/target/os-user.js';

const TINY = `
name: tiny-faults
seed: 5
tenants: { count: 4, sizes: { kind: zipf, s: 1 } }
rows: 3000
layouts: [shared, rls, schema]
workload: { mode: closed, users: 2, warmupSeconds: 0.2, durationSeconds: 0.5, repeats: 1 }
`;

const dir = tempDir('tenantbench-faults-');
chmodSync(dir, 0o755); // the server's OS user reaches --pg-data in it
const scenario = join(dir, 'tiny-faults.yaml');
writeFileSync(scenario, TINY);
/** The persistent cluster the --seeded rows share. */
const pgData = join(dir, 'pgdata');

interface Fault {
  /** Sees everything printed so far, the row's TMPDIR and results dir; returns the signal to send (or acts itself and returns null). */
  when: (out: string, tmp: string, results: string) => NodeJS.Signals | null;
}

/** Run the CLI with a private TMPDIR; `when` is checked on every output and every 20 ms. */
function runFault(args: string[], fault: Fault, tmp: string, results: string): Promise<CliRun> {
  return runCli(args, { env: { TMPDIR: tmp }, onOutput: (all) => fault.when(all, tmp, results), pollMs: 20, timeoutMs: 240_000 });
}

const onOutput =
  (re: RegExp, signal: NodeJS.Signals): Fault['when'] =>
  (out) =>
    re.test(out) ? signal : null;

/** A file anywhere under `tmp` (with --pg-data, only a backup's dumps are written there). */
function backupFileIn(tmp: string): boolean {
  try {
    return readdirSync(tmp, { recursive: true, withFileTypes: true }).some((e) => e.isFile());
  } catch {
    return false; // removed while we looked
  }
}

function onlyBundle(results: string): string {
  const runs = existsSync(results) ? readdirSync(results) : [];
  assert.equal(runs.length, 1, `one bundle in ${results}: ${runs.join(', ')}`);
  return join(results, runs[0]!);
}

/** Wait for `dir` to be empty (the watchdog removes what a killed harness left, within a few seconds). */
async function emptied(dir: string, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = readdirSync(dir);
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Row {
  name: string;
  args: () => string[];
  fault: Fault['when'];
  /** Expected exit: a code, or the signal the harness died of. */
  exit: number | NodeJS.Signals;
  /** Further checks: the run, its bundle (null when it has none) and the row's results dir. */
  check: (r: CliRun, summary: Summary | null, results: string) => void;
  /** The data directory whose processes must be gone (default: the row's TMPDIR, where a throwaway cluster lives). */
  persistent?: boolean;
}

const common = ['--scenario', scenario, '--profile', 'test'];
const seeded = () => ['--seeded', '--pg-data', pgData];

const interrupted = (signal: string) => (_r: CliRun, s: Summary | null) => {
  assert.ok(s);
  assert.equal(s.status, 'interrupted');
  assert.equal(s.error, `interrupted by ${signal}`);
  for (const [name, l] of Object.entries(s.layouts)) assert.notEqual(l?.status, 'failed', `${name}: ${l?.reason}`);
};

/** A SIGKILLed run never finished: its bundle keeps the status every run has until its end (failed, no error). */
const killed = (s: Summary | null) => {
  assert.ok(s);
  assert.equal(s.status, 'failed');
  assert.equal(s.error, null);
  assert.equal(s.layouts.shared?.status, 'ok', 'the seed check before the fault is kept');
};

const restart: { started: boolean; code: number | null } = { started: false, code: null };

// In this order: the rows on the persistent cluster first, each one's leftovers harmless to the next
// (a killed run's written rows, the only ones a --seeded check would see, come last).
const ROWS: Row[] = [
  {
    name: 'SIGINT during verify --seeded',
    args: () => ['verify', ...common, ...seeded()],
    fault: onOutput(/verify rls: \d+ probes/, 'SIGINT'),
    exit: 130,
    persistent: true,
    check: (r, s) => {
      interrupted('SIGINT')(r, s);
      assert.equal(s!.isolation?.layouts.shared?.status, 'ok', 'the finished layout is kept');
    },
  },
  {
    name: 'SIGKILL during verify --seeded',
    args: () => ['verify', ...common, ...seeded()],
    fault: onOutput(/verify rls: \d+ probes/, 'SIGKILL'),
    exit: 'SIGKILL',
    persistent: true,
    check: (_r, s) => {
      killed(s);
      assert.equal(s!.isolation?.layouts.shared?.status, 'ok', 'the finished layout is kept');
    },
  },
  {
    name: 'SIGKILL during backup --seeded, with dumps on disk',
    args: () => ['backup', ...common, ...seeded()],
    fault: (_out, tmp) => (backupFileIn(tmp) ? 'SIGKILL' : null),
    exit: 'SIGKILL',
    persistent: true,
    check: (_r, s) => killed(s),
  },
  {
    name: 'the results bundle replaced by a file after the first measured segment (run --seeded)',
    args: () => ['run', ...common, ...seeded()],
    fault: (out, _tmp, results) => {
      if (!/repeat 1\/1 shared: \d+ ok/.test(out)) return null;
      const bundle = onlyBundle(results);
      if (statSync(bundle).isDirectory()) {
        // Moved away at once (a recursive removal races with the harness's writes), a file in its place.
        renameSync(bundle, join(dir, 'moved-bundle'));
        writeFileSync(bundle, 'not a directory\n');
      }
      return null;
    },
    exit: 1,
    persistent: true,
    check: (r, s, results) => {
      assert.equal(s, null);
      assert.match(r.stderr, /cannot write \S+ in the results bundle \S+: the bundle directory was removed or replaced during the run/);
      assert.doesNotMatch(r.stderr, /results gathered so far|\n\s+at .*\.js:\d+/);
      assert.equal(readFileSync(onlyBundle(results), 'utf8'), 'not a directory\n', 'the file put there is untouched');
    },
  },
  {
    name: 'SIGKILL during the workload (run --seeded)',
    args: () => ['run', ...common, ...seeded()],
    // The layouts run in a shuffled order: killed once two segments have printed their figures.
    fault: (out) => ((out.match(/repeat 1\/1 \w+: \d+ ok/g) ?? []).length >= 2 ? 'SIGKILL' : null),
    exit: 'SIGKILL',
    persistent: true,
    check: (r, s) => {
      killed(s);
      const first = /repeat 1\/1 (\w+): \d+ ok/.exec(r.stdout)![1] as 'shared';
      assert.equal(s!.workload?.layouts[first]?.status, 'ok', `the measured layout (${first}) is kept`);
    },
  },
  {
    name: 'SIGINT during seed',
    args: () => ['seed', ...common],
    fault: onOutput(/\[schema\] load/, 'SIGINT'),
    exit: 130,
    check: (r, s) => {
      interrupted('SIGINT')(r, s);
      assert.equal(s!.layouts.shared?.status, 'ok');
      assert.equal(s!.layouts.rls?.status, 'ok');
    },
  },
  {
    name: 'SIGKILL during migrate (throwaway cluster)',
    args: () => ['migrate', ...common, '--no-under-load'],
    fault: onOutput(/shared: migrated/, 'SIGKILL'),
    exit: 'SIGKILL',
    check: (_r, s) => {
      killed(s);
      assert.ok(s!.layouts.shared?.migration, 'the migrated layout is kept');
    },
  },
  {
    name: 'the server stopped cleanly and started again between segments (pg_ctl restart -m fast)',
    // Windows long enough that the restart (about a second) ends while the run still measures.
    args: () => ['run', ...common, '--duration', '2'],
    fault: (out) => {
      if (restart.started || !/repeat 1\/1 shared: \d+ ok/.test(out)) return null;
      restart.started = true;
      const base = dataDirOf(out)!;
      const binDir = /embedded PostgreSQL \S+ \([^:]+: ([^)]+)\)/.exec(out)![1]!;
      const pgCtl = [join(binDir, 'pg_ctl'), 'restart', '-m', 'fast', '-w', '-D', join(base, 'data'), '-l', join(base, 'restart.log')];
      const user = serverOsUser();
      const p = spawn(user ? 'runuser' : pgCtl[0]!, user ? ['-u', user.name, '--', ...pgCtl] : pgCtl.slice(1), {
        stdio: 'ignore',
        cwd: base,
      });
      p.on('close', (code) => {
        restart.code = code;
      });
      return null;
    },
    exit: 0,
    check: (r, s) => {
      assert.equal(restart.code, 0, 'pg_ctl restart succeeded');
      // The outage is shorter than maxOutageSeconds: the run goes on and measures every layout.
      assert.ok(s);
      assert.equal(s.status, 'ok', r.stderr);
      for (const l of ['shared', 'rls', 'schema'] as const) assert.equal(s.workload?.layouts[l]?.status, 'ok', l);
    },
  },
];

describe('faults in every stage', () => {
  before(async () => {
    const r = await runCli(['seed', ...common, '--pg-data', pgData, '--results-dir', join(dir, 'seed-results')], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
  after(async () => {
    await waitNoProcesses(pgData);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const row of ROWS) {
    it(`${row.name}: exit ${row.exit}, its bundle checked, nothing left`, async () => {
      const tmp = tempDir('tenantbench-faults-tmp-');
      chmodSync(tmp, 0o755); // the server's OS user reaches a throwaway cluster in it
      const results = join(dir, `results-${ROWS.indexOf(row)}`);
      const r = await runFault([...row.args(), '--results-dir', results], { when: row.fault }, tmp, results);
      if (typeof row.exit === 'number') assert.equal(r.code, row.exit, r.stdout + r.stderr);
      else assert.equal(r.signal, row.exit, r.stdout + r.stderr);
      assert.deepEqual(await waitNoProcesses(tmp, 20_000), [], 'no process (server, watchdog) left for the TMPDIR');
      if (row.persistent) assert.deepEqual(await waitNoProcesses(pgData, 20_000), [], 'no postgres left for --pg-data');
      assert.deepEqual(await emptied(tmp), [], 'no temporary directory left (throwaway cluster, backup dumps)');
      const bundle = onlyBundle(results);
      const summary = statSync(bundle).isDirectory() ? readJson<Summary>(join(bundle, 'summary.json')) : null;
      row.check(r, summary, results);
      rmSync(tmp, { recursive: true, force: true });
    });
  }

  it('SIGINT during report: exit 130, no half report, the bundle untouched', async () => {
    const tmp = tempDir('tenantbench-faults-tmp-');
    const bundle = join(dir, 'smoke-run');
    cpSync(join(packageRoot(), 'tests', 'fixtures', 'smoke-run'), bundle, { recursive: true });
    const before = readFileSync(join(bundle, 'summary.json'), 'utf8');
    const out = join(dir, 'report-out');
    const r = await runFault(['report', bundle, '-o', out], { when: () => (existsSync(out) ? 'SIGINT' : null) }, tmp, dir);
    assert.equal(r.code, 130, r.stdout + r.stderr);
    assert.equal(existsSync(out), false, 'the half-written report folder is removed');
    assert.equal(readFileSync(join(bundle, 'summary.json'), 'utf8'), before);
    assert.deepEqual(await waitNoProcesses(tmp), []);
    assert.deepEqual(readdirSync(tmp), []);
    rmSync(tmp, { recursive: true, force: true });
  });
});
