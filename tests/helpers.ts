import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { resolveScenario } from '../src/config/load-scenario.js';
import type { ResolvedScenario } from '../src/config/load-scenario.js';
import { packageRoot } from '../src/paths.js';

/** A few tenants with skewed sizes: seeds every layout in seconds. */
export function tinyScenario(overrides: Record<string, unknown> = {}): ResolvedScenario {
  return resolveScenario(
    {
      name: 'tiny',
      seed: 11,
      tenants: { count: 5, sizes: { kind: 'zipf', s: 1 } },
      rows: 6000,
      layoutOptions: { hybrid: { dedicated: 1, placement: 'database' }, database: { maxConnections: 3 } },
      ...overrides,
    },
    'tests/tiny',
  );
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * scenarios/smoke.yaml (name, tenants, rows, layouts, options, repeats, mix all as shipped) with
 * sub-second workload windows, 0.2 s warm-up + 0.5 s (they also set migrate's under-load window),
 * for tests whose claim does not depend on how long a window is. Returns the file's path.
 */
export function shortSmokeScenario(): string {
  const text = readFileSync(join(packageRoot(), 'scenarios', 'smoke.yaml'), 'utf8');
  const short = text
    .replace(/^(\s+)warmupSeconds: [\d.]+/m, '$1warmupSeconds: 0.2')
    .replace(/^(\s+)durationSeconds: [\d.]+/m, '$1durationSeconds: 0.5');
  if (!/^name: smoke$/m.test(short) || !/^\s+warmupSeconds: 0\.2$/m.test(short) || !/^\s+durationSeconds: 0\.5$/m.test(short))
    throw new Error('shortSmokeScenario: scenarios/smoke.yaml no longer has name, workload.warmupSeconds and durationSeconds lines');
  const p = join(tempDir('tenantbench-smoke-scn-'), 'smoke.yaml');
  writeFileSync(p, short);
  return p;
}

/** PIDs of processes whose command line mentions `needle` (e.g. a cluster's data directory). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle) && Number(entry) !== process.pid) pids.push(Number(entry));
    } catch {
      // process ended while we looked
    }
  }
  return pids;
}

/** All running postgres server processes (postmasters and backends). */
export function postgresProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'postgres' || comm === 'postmaster') pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const CLI = join(packageRoot(), 'dist', 'src', 'cli.js');

export interface RunCliOptions {
  env?: Record<string, string>;
  /**
   * Sees stdout + stderr so far on every output (and every `pollMs` when set) and may return a
   * signal to send to the child, once (to test Ctrl-C in the middle of a run). If it throws, the
   * child is SIGKILLed (its watchdog cleans up) and runCli rejects with that error.
   */
  onOutput?: (all: string) => NodeJS.Signals | null;
  /** Also call onOutput every this many ms, for faults that watch the file system rather than the output. */
  pollMs?: number;
  timeoutMs?: number;
}

/** Run the CLI as a child process (CI=true, the caller's env on top). */
export function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, CI: 'true', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    let broken: unknown = null;
    const check = () => {
      if (signalled || !opts.onOutput) return;
      try {
        const sig = opts.onOutput(stdout + stderr);
        if (sig) {
          signalled = true;
          child.kill(sig);
        }
      } catch (err) {
        broken = err;
        signalled = true;
        child.kill('SIGKILL');
      }
    };
    const poll = opts.pollMs && opts.onOutput ? setInterval(check, opts.pollMs) : null;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      check();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      check();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out: ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (poll) clearInterval(poll);
      clearTimeout(timer);
      if (broken) reject(broken);
      else resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The data directory an embedded run printed ("... data in /tmp/tenantbench-pg-XXXX"). */
export function dataDirOf(output: string): string | null {
  return /data in (\S+)/.exec(output)?.[1] ?? null;
}

/** Wait until no process mentions `needle` (shutdown is asynchronous by a few ms). */
export async function waitNoProcesses(needle: string, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesMentioning(needle);
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export { existsSync };

/**
 * One test per case: the CLI, given bad input, exits 2 with `message` on stderr before any server
 * starts. `args` may be a function, evaluated inside the test (when it writes a scenario file).
 */
export function itRefusesBeforeAnyServer(cases: readonly [string, string[] | (() => string[]), RegExp][]): void {
  for (const [what, args, message] of cases) {
    it(`${what}: exit 2, no server started`, async () => {
      const r = await runCli(typeof args === 'function' ? args() : args);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stdout + r.stderr, /embedded PostgreSQL/);
    });
  }
}
