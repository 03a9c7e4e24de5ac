/**
 * Every connection the harness opens outside the routers is made here, and every one gets the same
 * session settings (SESSION_SETTINGS_SQL) right after it connects. The routers (the measured hot
 * path) keep their own node-postgres pools.
 */
import pg from 'pg';
import type { Target } from '../target/target.js';
import type { DriverClient } from './driver.js';
import type { ConnectionConfig, DbClient } from './types.js';

/**
 * Timestamps and numbers render the same in every session whatever the server's defaults
 * (checksums computed by the server from text depend on it). The embedded and container servers
 * already run with timezone UTC, DateStyle ISO and extra_float_digits 1 (PostgreSQL >= 12), so
 * there it changes no value; it matters on a --database-url server with other defaults.
 */
export const SESSION_SETTINGS_SQL = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1";

export interface ConnectOptions {
  /**
   * Apply SESSION_SETTINGS_SQL after connecting (default true). Off only where a SET cannot run or
   * would change what is read: PgBouncer's admin console, the environment capture (a session SET
   * turns a setting's pg_settings.source into 'session', which the capture leaves out), the
   * readiness probes, and the bench that times a bare connect.
   */
  sessionSettings?: boolean;
  /**
   * Swallow 'error' events of the idle connection (a backend terminated by the server): the failure
   * then reaches the next query instead of crashing the process. For short-lived probe connections.
   */
  ignoreIdleErrors?: boolean;
}

/** Connect as `config` and return node-postgres' own Client (for libraries built on it, e.g. node-pg-migrate). */
export async function connectDriver(config: ConnectionConfig, opts: ConnectOptions = {}): Promise<DriverClient> {
  const c = new pg.Client(config);
  if (opts.ignoreIdleErrors) c.on('error', () => {});
  try {
    await c.connect();
    if (opts.sessionSettings !== false) await c.query(SESSION_SETTINGS_SQL);
  } catch (err) {
    await c.end().catch(() => {});
    throw err;
  }
  return c;
}

/** Connect as `config`; the caller ends the connection. */
export function connect(config: ConnectionConfig, opts: ConnectOptions = {}): Promise<DbClient> {
  return connectDriver(config, opts);
}

/** Run `fn` with a fresh connection to `database` as the admin role, and always close it. */
export async function withAdmin<T>(target: Target, database: string, fn: (c: DbClient) => Promise<T>): Promise<T> {
  return withClient(target.config(database), fn);
}

/**
 * Run `fn` with a fresh connection as `config`, and always close it. Idle errors are swallowed
 * (ignoreIdleErrors, unless `opts` says otherwise): the connection lives only as long as `fn`, whose
 * next query gets the failure; without it, a server stopped between two of `fn`'s queries (SIGINT
 * while a sweep drops or seeds databases) crashed the process with an unhandled 'error' event
 * instead of the clean stop.
 */
export async function withClient<T>(config: ConnectionConfig, fn: (c: DbClient) => Promise<T>, opts: ConnectOptions = {}): Promise<T> {
  const c = await connectDriver(config, { ignoreIdleErrors: true, ...opts });
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Run tasks with at most `concurrency` in flight; the first failure stops handing out new ones. */
export async function runLimited<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failed !== null) throw failed;
}
