/**
 * PgBouncer started and stopped by the harness, like the embedded server: a throwaway directory
 * with pgbouncer.ini and a userlist, a free loopback port, the same unprivileged OS user as the
 * server when we are root (PgBouncer refuses to run as root), stopped on success, failure,
 * SIGINT/SIGTERM (lifecycle), and by the detached watchdog if the harness is SIGKILLed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import createDebug from 'debug';
import { withClient } from '../db/client.js';
import { isLoginRefused, Wait } from '../db/readiness.js';
import type { ConnectionConfig, Credentials } from '../db/types.js';
import { TargetError } from '../errors.js';
import { registerCleanup } from '../lifecycle.js';
import { serverOsUser } from '../target/os-user.js';
import type { Target } from '../target/target.js';
import type { PgBouncerBinary } from './pgbouncer-binary.js';
import { supportsNamedPreparedStatements } from './pgbouncer-binary.js';
import { stopChild } from '../target/stop-child.js';
import { freePort, startWatchdog } from '../target/embedded-target.js';

const debug = createDebug('tenantbench:pooler');

export interface PgBouncerOptions {
  binary: PgBouncerBinary;
  /** The PostgreSQL server PgBouncer sits in front of. */
  upstream: { host: string; port: number };
  /** Login roles and their passwords (the admin and the layouts' application roles). */
  users: readonly { name: string; password: string }[];
  /** Role allowed on PgBouncer's admin console (SHOW POOLS); must be in `users`. */
  adminUser: string;
  poolMode: 'transaction';
  /** Server connections per (database, user) pair: default_pool_size. */
  poolSize: number;
  maxClientConn: number;
  /**
   * Look the other roles up with auth_query as `adminUser` (SCRAM secrets from pg_shadow, SCRAM
   * pass-through to the server) instead of listing them: how docker/pgbouncer/pgbouncer.ini works.
   */
  authQuery?: boolean;
  /** Named prepared statements kept per server connection (PgBouncer >= 1.21 only; 0 = off). */
  maxPreparedStatements?: number;
  log?: (line: string) => void;
}

/** A PgBouncer process the harness owns. */
export class PgBouncer {
  private stopped = false;
  private unregister: () => void = () => {};

  private constructor(
    readonly binary: PgBouncerBinary,
    readonly host: string,
    readonly port: number,
    /** The [pgbouncer] settings written to pgbouncer.ini (recorded in the results). */
    readonly settings: Readonly<Record<string, string>>,
    readonly baseDir: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  get description(): string {
    return `PgBouncer ${this.binary.version} (${this.binary.path}) on ${this.host}:${this.port}, pool_mode ${this.settings.pool_mode}, default_pool_size ${this.settings.default_pool_size}`;
  }

  /** Connection config of `base` (a target's config) redirected through this PgBouncer. */
  redirect(base: ConnectionConfig): ConnectionConfig {
    return { ...base, host: this.host, port: this.port };
  }

  static async start(o: PgBouncerOptions): Promise<PgBouncer> {
    const osUser = serverOsUser();
    const baseDir = mkdtempSync(join(tmpdir(), 'tenantbench-pgbouncer-'));
    const own = (p: string) => {
      if (osUser) chownSync(p, osUser.uid, osUser.gid);
    };
    own(baseDir);
    let started = false;
    try {
      const port = await freePort();
      const userlist = join(baseDir, 'userlist.txt');
      const logFile = join(baseDir, 'pgbouncer.log');
      const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
      // Plain-text passwords: PgBouncer then authenticates clients with SCRAM and logs in to the
      // server (scram-sha-256 in the embedded cluster) with the same password.
      writeFileSync(userlist, `${o.users.map((u) => `${quote(u.name)} ${quote(u.password)}`).join('\n')}\n`, { mode: 0o600 });
      own(userlist);
      const settings: Record<string, string> = {
        listen_addr: '127.0.0.1',
        listen_port: String(port),
        unix_socket_dir: '',
        auth_type: 'scram-sha-256',
        auth_file: userlist,
        admin_users: o.adminUser,
        pool_mode: o.poolMode,
        default_pool_size: String(o.poolSize),
        min_pool_size: '0',
        reserve_pool_size: '0',
        max_client_conn: String(o.maxClientConn),
        // Transaction mode never runs server_reset_query between clients (unless _always): the
        // session state one client leaves on a server connection is what the next one gets.
        server_reset_query: 'DISCARD ALL',
        server_reset_query_always: '0',
        // A wait longer than this is an error the workload records, not a hang.
        query_wait_timeout: '60',
        log_connections: '0',
        log_disconnections: '0',
        logfile: logFile,
      };
      if (o.maxPreparedStatements && supportsNamedPreparedStatements(o.binary))
        settings.max_prepared_statements = String(o.maxPreparedStatements);
      if (o.authQuery) {
        settings.auth_user = o.adminUser;
        settings.auth_query = 'SELECT usename, passwd FROM pg_shadow WHERE usename = $1';
      }
      // One wildcard entry: every database of every layout (database-per-tenant included) gets its
      // own pool per (database, user) pair, created on first use.
      const ini = [
        '[databases]',
        `* = host=${o.upstream.host} port=${o.upstream.port}${o.authQuery ? ` auth_user=${o.adminUser}` : ''}`,
        '',
        '[pgbouncer]',
        ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`),
        '',
      ].join('\n');
      const iniFile = join(baseDir, 'pgbouncer.ini');
      writeFileSync(iniFile, ini, { mode: 0o600 });
      own(iniFile);
      const outFile = join(baseDir, 'pgbouncer.out');
      const fd = openSync(outFile, 'a');
      own(outFile);
      const child = spawn(o.binary.path, [iniFile], {
        cwd: baseDir,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
        ...(osUser ? { uid: osUser.uid, gid: osUser.gid } : {}),
      });
      closeSync(fd);
      // The embedded server's watchdog, told to send SIGTERM (PgBouncer's immediate shutdown).
      startWatchdog(child.pid, baseDir, false, 'SIGTERM');
      const b = new PgBouncer(o.binary, '127.0.0.1', port, settings, baseDir, child, logFile);
      b.unregister = registerCleanup({
        name: `PgBouncer (pid ${child.pid})`,
        cleanup: () => b.stop(),
        emergency: () => {
          if (child.exitCode === null && child.pid) {
            try {
              process.kill(child.pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
          rmSync(baseDir, { recursive: true, force: true });
        },
      });
      started = true;
      const admin = o.users.find((u) => u.name === o.adminUser);
      await b.waitReady(admin ?? o.users[0]!);
      debug('%s', b.description);
      o.log?.(b.description);
      return b;
    } catch (err) {
      if (!started) rmSync(baseDir, { recursive: true, force: true });
      throw err;
    }
  }

  private logTail(): string {
    const read = (f: string) => {
      try {
        return readFileSync(join(this.baseDir, f), 'utf8');
      } catch {
        return '';
      }
    };
    return (read('pgbouncer.out') + read('pgbouncer.log')).split('\n').filter(Boolean).slice(-15).join('\n') || '(no PgBouncer log)';
  }

  /** Ready = a query reaches the server through PgBouncer (proves the listener and both logins). */
  private async waitReady(user: Credentials, timeoutMs = 15_000): Promise<void> {
    const config = {
      host: this.host,
      port: this.port,
      user: user.name,
      password: user.password,
      database: 'postgres',
      application_name: 'tenantbench',
    };
    const r = await Wait.forQuery(config)
      .withStartupTimeout(timeoutMs)
      // A refused login is not going to get better by waiting.
      .withGiveUpOn(isLoginRefused)
      .waitUntilReady(this.child);
    if (r.ready) return;
    const tail = this.logTail();
    await this.stop();
    if (r.reason === 'exited')
      throw new TargetError(`PgBouncer exited during start-up (code ${r.exitCode ?? r.signal}). Its log:\n${tail}`);
    throw new TargetError(
      `PgBouncer did not pass a query to the server within ${timeoutMs / 1000} s: ${(r.lastError as Error)?.message}\n${tail}`,
    );
  }

  /** Server-side pools as PgBouncer sees them (admin console SHOW POOLS), or null if unavailable. */
  async pools(admin: Credentials): Promise<Record<string, string>[] | null> {
    const config = { host: this.host, port: this.port, user: admin.name, password: admin.password, database: 'pgbouncer' };
    try {
      // The admin console runs its own SHOW/SET commands only: no session settings.
      return await withClient(config, async (c) => (await c.query<Record<string, string>>('SHOW POOLS')).rows, {
        sessionSettings: false,
        ignoreIdleErrors: true,
      });
    } catch (err) {
      debug('SHOW POOLS failed: %s', (err as Error).message);
      return null;
    }
  }

  /** Immediate shutdown (SIGTERM), SIGKILL after 5 s; removes the directory. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unregister();
    await stopChild(this.child, 'SIGTERM', [['SIGKILL', 5_000]]);
    debug('PgBouncer stopped');
    rmSync(this.baseDir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** `target`, with every connection config redirected through `pooler` (admin and roles alike). */
export function targetThrough(target: Target, pooler: Pick<PgBouncer, 'redirect' | 'description'>): Target {
  return {
    kind: target.kind,
    description: `${target.description}, through ${pooler.description}`,
    admin: target.admin,
    binaries: target.binaries,
    appliedSettings: target.appliedSettings,
    config: (database, user) => pooler.redirect(target.config(database, user)),
    // The pooled view does not own the server: stopping it is the caller's business.
    stop: async () => {},
  };
}
