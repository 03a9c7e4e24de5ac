import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ClientConfig, QueryConfig, QueryResultRow } from 'pg';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { HarnessError } from '../../errors.js';
import type { Acquisition, RouterStats, TenantRouter, TenantSession } from '../layout.js';
import { acquisitionOf } from './router-acquisition.js';

/**
 * What a connection carries from one transaction to the next, undone when it goes back to the pool
 * (the "Isolation rules": a connection returns clean). It rides on the COMMIT's round trip (one
 * simple-query message `COMMIT; <reset>`: the reset statements run in their own implicit
 * transaction right after the commit), so it costs server time, not a network round trip.
 * Not `DISCARD ALL`: it cannot run in a multi-statement message (a transaction block) and would
 * deallocate the named statements node-postgres prepared once per connection (workload.prepared).
 * Instead each kind of state is reset: temporary objects (DISCARD TEMP), settings (RESET ALL; a
 * session-level SET ROLE is not covered by RESET ALL, hence RESET ROLE), cursors WITH HOLD
 * (CLOSE ALL), LISTEN (UNLISTEN *), advisory locks, currval/sequence caches (DISCARD SEQUENCES).
 * Prepared statements created with SQL PREPARE cannot be dropped selectively: the last statement
 * counts them, and a connection that has any is closed rather than reused (also catches an app
 * statement replaced by a PREPARE of the same name).
 */
export const RESET_ON_RELEASE =
  'DISCARD TEMP; RESET ALL; RESET ROLE; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD SEQUENCES; ' +
  'SELECT count(*)::int AS sql_prepared FROM pg_catalog.pg_prepared_statements WHERE from_sql';

/** Thrown (and the connection discarded) when a released connection holds SQL-level prepared statements. */
export class PoisonedConnection extends HarnessError {}

/**
 * A client that notes when it was made: pg-pool connects a client right after constructing it
 * (newClient), so this is when connecting began, and a checkout splits into queueing and connecting.
 */
class TimedClient extends pg.Client {
  readonly connectStartedAt = performance.now();
}

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
  /** Clients the pool has just connected and not yet handed to acquire() (its 'connect' event). */
  private readonly fresh = new WeakSet<pg.PoolClient>();

  constructor(
    config: ClientConfig,
    max: number,
    private readonly contextSql: (t: TenantPlan) => string,
    private readonly needsTenantFilter: boolean,
    /** Reset session state on release (RESET_ON_RELEASE). Off only in the self-test's broken variant. */
    private readonly resetOnRelease = true,
  ) {
    this.pool = new pg.Pool({ ...config, max, idleTimeoutMillis: 0, Client: TimedClient });
    this.pool.on('connect', (client) => {
      this.fresh.add(client);
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
    const start = performance.now();
    // pg-pool queues the checkout when it has no idle client and no room for a new one.
    const queued = this.pool.idleCount === 0 && this.pool.totalCount >= (this.pool.options.max ?? 10);
    if (queued) this.waits++;
    const client = await this.pool.connect();
    const acquisition = this.acquisition(client, queued, start);
    try {
      await client.query(`BEGIN; ${this.contextSql(tenant)}`);
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    return makeSession(tenant, this.needsTenantFilter, client, (err) => client.release(err), this.resetOnRelease, acquisition);
  }

  /** A new client connected for this checkout (after queueing, when the pool was full), or an idle one. */
  private acquisition(client: pg.PoolClient, queued: boolean, start: number): Acquisition {
    const end = performance.now();
    const connectFrom = this.fresh.delete(client) ? (client as unknown as TimedClient).connectStartedAt : null;
    return acquisitionOf(start, queued ? (connectFrom ?? end) : null, connectFrom, end);
  }

  waiting(): number {
    return this.pool.waitingCount;
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
  resetOnRelease = true,
  acquisition?: Acquisition,
): TenantSession {
  let released = false;
  return {
    tenant,
    needsTenantFilter,
    acquisition,
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
        if (resetOnRelease) {
          const results = (await client.query(`COMMIT; ${RESET_ON_RELEASE}`)) as unknown as pg.QueryResult[];
          const n = Number(results[results.length - 1]?.rows[0]?.sql_prepared ?? 0);
          if (n > 0) {
            // Not an error of the request (it committed): the connection is closed, not reused.
            giveBack(new PoisonedConnection(`connection holds ${n} SQL-prepared statement(s): closed, not reused`));
            return;
          }
        } else {
          await client.query('COMMIT');
        }
        giveBack();
      } catch (e) {
        giveBack(e as Error);
        throw e;
      }
    },
  };
}
