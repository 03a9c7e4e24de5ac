import pg from 'pg';
import type { ClientConfig, QueryConfig, QueryResultRow } from 'pg';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type { RouterStats, TenantRouter, TenantSession } from '../layout.js';

/**
 * Router over one pg.Pool: every acquire opens a transaction and scopes it to the tenant in the
 * same round trip (`BEGIN; <context>`), so the context never outlives the transaction and the
 * layout is safe behind a transaction pooler. `contextSql` returns the statements for a tenant
 * (built from validated values only: uuids and slugs the harness generated).
 */
export class PoolRouter implements TenantRouter {
  private readonly pool: pg.Pool;
  private opened = 0;
  private closed = 0;
  private peakOpen = 0;
  private waits = 0;

  constructor(
    config: ClientConfig,
    max: number,
    private readonly contextSql: (t: TenantPlan) => string,
    private readonly needsTenantFilter: boolean,
  ) {
    this.pool = new pg.Pool({ ...config, max, idleTimeoutMillis: 0 });
    this.pool.on('connect', (client) => {
      // pg-pool removes its error listener while a client is checked out: a backend terminated in
      // the middle of a session (pg_terminate_backend, a restart) would then emit 'error' with no
      // listener and crash the process. The failure still reaches the session's next query, whose
      // caller discards the connection with release(err).
      client.on('error', () => {});
      this.opened++;
      this.peakOpen = Math.max(this.peakOpen, this.pool.totalCount);
    });
    this.pool.on('remove', () => this.closed++);
    // An idle client's error (server restart) must not crash the process; the pool drops it.
    this.pool.on('error', () => {});
  }

  async acquire(tenant: TenantPlan): Promise<TenantSession> {
    if (this.pool.idleCount === 0 && this.pool.totalCount >= (this.pool.options.max ?? 10)) this.waits++;
    const client = await this.pool.connect();
    try {
      await client.query(`BEGIN; ${this.contextSql(tenant)}`);
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    return makeSession(tenant, this.needsTenantFilter, client, (err) => client.release(err));
  }

  stats(): RouterStats {
    return { open: this.pool.totalCount, peakOpen: this.peakOpen, opened: this.opened, closed: this.closed, waits: this.waits };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A session over a connected client whose transaction is already open. */
export function makeSession(
  tenant: TenantPlan,
  needsTenantFilter: boolean,
  client: pg.ClientBase,
  giveBack: (err?: Error) => void,
): TenantSession {
  let released = false;
  return {
    tenant,
    needsTenantFilter,
    query: <R extends QueryResultRow>(text: string | QueryConfig, values?: unknown[]) =>
      typeof text === 'string' ? client.query<R>(text, values) : client.query<R>(values ? { ...text, values } : text),
    async release(err?: unknown) {
      if (released) throw new Error('session released twice');
      released = true;
      if (err) {
        // The connection may be in any state: roll back if we can, then discard it.
        await client.query('ROLLBACK').catch(() => {});
        giveBack(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      try {
        await client.query('COMMIT');
        giveBack();
      } catch (e) {
        giveBack(e as Error);
        throw e;
      }
    },
  };
}
