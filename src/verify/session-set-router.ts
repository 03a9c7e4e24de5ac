import pg from 'pg';
import type { ClientConfig } from 'pg';
import { makeSession } from '../layouts/common/pool-router.js';
import type { RouterStats, TenantRouter, TenantSession } from '../layouts/layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';

/**
 * A deliberately broken router for the self-test: the tenant context is a session-level SET done
 * once, when the pool hands out a connection for the first time (the "connect hook" pattern).
 * The next request for another tenant reuses the connection and inherits the first tenant.
 */
export class SessionSetRouter implements TenantRouter {
  private readonly pool: pg.Pool;
  private readonly scoped = new WeakSet<pg.PoolClient>();
  private opened = 0;

  constructor(
    config: ClientConfig,
    max: number,
    /** Session-level statement(s) that set a tenant's context. */
    private readonly sessionContextSql: (t: TenantPlan) => string,
  ) {
    this.pool = new pg.Pool({ ...config, max, idleTimeoutMillis: 0 });
    this.pool.on('connect', () => this.opened++);
    this.pool.on('error', () => {});
  }

  async acquire(tenant: TenantPlan): Promise<TenantSession> {
    const client = await this.pool.connect();
    try {
      if (!this.scoped.has(client)) {
        await client.query(this.sessionContextSql(tenant));
        this.scoped.add(client);
      }
      await client.query('BEGIN');
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    return makeSession(tenant, false, client, (err) => client.release(err), false);
  }

  stats(): RouterStats {
    return { open: this.pool.totalCount, peakOpen: this.pool.totalCount, opened: this.opened, closed: 0, waits: 0 };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
