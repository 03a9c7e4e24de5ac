/**
 * Small helpers the probes share: a recorder of the SQL a probe ran, statements that may fail
 * (inside a transaction, under a savepoint so the session stays usable), sessions that always roll
 * back (a probe never changes data), and the tenant's first row ids.
 */
import { connect } from '../db/client.js';
import type { ConnectionConfig, DbClient, QueryResult, Row } from '../db/types.js';
import { sqlState } from '../errors.js';
import type { TenantPlan, TenantTable } from '../../seed/tenant-plan.js';
import type { TenantRouter, TenantSession } from '../layouts/layout.js';
import type { Observation, Observed, ProbeOutcome } from './probe.js';

export interface Ok<R extends Row = Row> {
  ok: true;
  rows: R[];
  rowCount: number;
}
export interface Failed {
  ok: false;
  sqlstate: string | null;
  message: string;
}
export type Attempt<R extends Row = Row> = Ok<R> | Failed;

type Exec = (text: string, values?: unknown[]) => Promise<QueryResult>;

/** Runs statements and remembers them (with their parameter values) for the report. */
export class Script {
  readonly sql: string[];
  private sp = 0;
  constructor(
    private readonly exec: Exec,
    /** Inside an open transaction: failures are contained with a savepoint. */
    private inTransaction: boolean,
    sql: string[] = [],
  ) {
    this.sql = sql;
  }

  private note(text: string, values?: unknown[]): void {
    const v = values?.length ? `  -- ${values.map((x, i) => `$${i + 1}=${JSON.stringify(x)}`).join(', ')}` : '';
    this.sql.push(text.replace(/\s+/g, ' ').trim() + v);
  }

  /** Run, record, and throw on error. */
  async run<R extends Row = Row>(text: string, values?: unknown[]): Promise<Ok<R>> {
    this.note(text, values);
    const r = await this.exec(text, values);
    return { ok: true, rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  }

  /** COMMIT the session's transaction: later statements run outside any transaction. */
  async commit(): Promise<void> {
    await this.run('COMMIT');
    this.inTransaction = false;
  }

  /** Run and record; an error is returned, not thrown, and leaves the transaction usable. */
  async try<R extends Row = Row>(text: string, values?: unknown[]): Promise<Attempt<R>> {
    this.note(text, values);
    const sp = `tb_probe_${++this.sp}`;
    if (this.inTransaction) await this.exec(`SAVEPOINT ${sp}`);
    try {
      const r = await this.exec(text, values);
      if (this.inTransaction) await this.exec(`RELEASE SAVEPOINT ${sp}`);
      return { ok: true, rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    } catch (err) {
      if (this.inTransaction) await this.exec(`ROLLBACK TO SAVEPOINT ${sp}`);
      return { ok: false, sqlstate: sqlState(err), message: (err as Error).message };
    }
  }
}

/** Run `fn` in a session the router scoped to `tenant`, and roll it back whatever happens. */
export async function inSession<T>(
  router: TenantRouter,
  tenant: TenantPlan,
  fn: (s: Script, session: TenantSession) => Promise<T>,
  sql: string[] = [],
): Promise<T> {
  const session = await router.acquire(tenant);
  const script = new Script((text, values) => session.query(text, values), true, sql);
  try {
    return await fn(script, session);
  } finally {
    // An error rolls back and discards the connection: nothing the probe wrote survives.
    await session.release(new Error('tenantbench probe: roll back'));
  }
}

/** A raw connection as `config` (no router, no tenant context), closed afterwards. */
export async function inConnection<T>(
  config: ConnectionConfig,
  fn: (s: Script, c: DbClient) => Promise<T>,
  sql: string[] = [],
): Promise<T> {
  const c = await connect(config, { ignoreIdleErrors: true });
  try {
    return await fn(new Script((text, values) => c.query(text, values), false, sql), c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Try to connect; the error (with its SQLSTATE) instead of a throw. */
export async function tryConnect(config: ConnectionConfig): Promise<{ client: DbClient } | Failed> {
  try {
    return { client: await connect(config, { ignoreIdleErrors: true }) };
  } catch (err) {
    return { ok: false, sqlstate: sqlState(err), message: (err as Error).message };
  }
}

/** The id of a tenant's n-th row of a table (ids are global and contiguous per tenant). */
export function rowId(t: TenantPlan, table: TenantTable, n = 0): number {
  if (t.counts[table] < 1) throw new Error(`${t.slug} has no ${table} rows`);
  return t.idStart[table] + Math.min(n, t.counts[table] - 1);
}

/** An id no tenant uses: far above every planned id. */
export const UNUSED_ID = 9_000_000_000_000;

export function observation(outcome: ProbeOutcome, sql: string[], expected: string, observed: Observed): Observation {
  return { outcome, sql, expected, observed };
}

export function failureText(f: Failed): string {
  return `${f.sqlstate ?? 'error'}: ${f.message}`;
}

/** ` AND <alias>.tenant_id = $n` when the application adds the tenant filter itself (shared). */
export function appFilter(appFilterOn: boolean, param: number, alias = ''): string {
  return appFilterOn ? ` AND ${alias ? `${alias}.` : ''}tenant_id = $${param}` : '';
}

/**
 * The common verdict of a read or write probe: foreign rows reached = leaked (a finding where the
 * layout documents that only the application guards it); the tenant's own control failed =
 * finding (the layout broke its own tenant's access, so "nothing foreign seen" proves nothing);
 * else blocked.
 */
export function verdict(o: {
  foreign: number;
  controlOk: boolean;
  controlText: string;
  sql: string[];
  expected: string;
  write?: boolean;
  sqlstate?: string | null;
  detail?: string;
  /** Foreign access is a documented property of the layout (shared baseline, one shared schema role). */
  documented?: string;
}): Observation {
  const observed: Observed = o.write ? { rowsAffected: o.foreign } : { rowsSeen: o.foreign };
  if (o.sqlstate) observed.sqlstate = o.sqlstate;
  const parts = [o.detail].filter(Boolean) as string[];
  let outcome: ProbeOutcome;
  if (o.foreign > 0) {
    outcome = o.documented ? 'finding' : 'leaked';
    if (o.documented) parts.push(o.documented);
  } else if (!o.controlOk) {
    outcome = 'finding';
    parts.push(`control failed: ${o.controlText} (the tenant's own access is broken, so seeing nothing foreign proves nothing)`);
  } else {
    outcome = 'blocked';
  }
  if (parts.length) observed.detail = parts.join('; ');
  return observation(outcome, o.sql, o.expected, observed);
}

/**
 * Create objects as the admin in a throwaway schema of `database`, run `fn`, and drop the schema
 * whatever happens. `ddl` gets the quoted schema name.
 */
export async function withScratchSchema<T>(
  admin: <X>(db: string, f: (c: DbClient) => Promise<X>) => Promise<X>,
  database: string,
  ddl: (schema: string) => string[],
  fn: (schema: string) => Promise<T>,
): Promise<T> {
  const schema = `tb_probe_${Math.random().toString(36).slice(2, 8)}`;
  const q = `"${schema}"`;
  await admin(database, async (c) => {
    await c.query(`CREATE SCHEMA ${q}`);
    for (const stmt of ddl(q)) await c.query(stmt);
  });
  try {
    return await fn(q);
  } finally {
    await admin(database, (c) => c.query(`DROP SCHEMA IF EXISTS ${q} CASCADE`));
  }
}

/** A session of another tenant, opened through the router and left idle in its transaction. */
export interface IdleSession {
  readonly tenant: TenantPlan;
  readonly pid: number;
  readonly session: TenantSession;
}

/**
 * Open a session per tenant through `router` (each runs `marker(t)` if given, then stays idle in
 * its transaction), run `fn`, roll every session back. For probes that act on other tenants'
 * backends: the victim in the tier, and the tenant of another tier (hybrid) when there is one.
 */
export async function withIdleSessions<T>(
  router: TenantRouter,
  tenants: readonly TenantPlan[],
  fn: (held: readonly IdleSession[]) => Promise<T>,
  marker?: (t: TenantPlan) => string,
): Promise<T> {
  const held: IdleSession[] = [];
  try {
    for (const tenant of tenants) {
      const session = await router.acquire(tenant);
      held.push({ tenant, session, pid: 0 });
      const pid = Number((await session.query('SELECT pg_catalog.pg_backend_pid() AS pid')).rows[0]?.pid);
      held[held.length - 1] = { tenant, session, pid };
      if (marker) await session.query(marker(tenant));
    }
    return await fn(held);
  } finally {
    for (const h of held) await h.session.release(new Error('tenantbench probe: roll back')).catch(() => {});
  }
}

/** The victim, and the tenant of another tier when there is one (each once: aimed at itself, a probe holds one session). */
export function otherTenants(env: { victim: TenantPlan; crossVictim: TenantPlan | null }): TenantPlan[] {
  return env.crossVictim && env.crossVictim.slug !== env.victim.slug ? [env.victim, env.crossVictim] : [env.victim];
}
