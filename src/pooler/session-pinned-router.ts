import pg from 'pg';
import type { ClientConfig } from 'pg';
import { makeSession } from '../layouts/common/pool-router.js';
import type { RouterStats, TenantRouter, TenantSession } from '../layouts/layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';

interface Idle {
  key: string;
  client: pg.Client;
}

/**
 * The session-level context pattern: each client connection belongs to one tenant, whose context
 * is set once with a session-level SET right after connecting (outside any transaction); each
 * request then runs `BEGIN ... COMMIT` on a connection of its tenant. Against PostgreSQL directly
 * this is safe (the session is the tenant's). Through a transaction-mode pooler it is not: the SET
 * ran on whichever server connection the pooler lent for that one statement, and each later
 * transaction may get another server connection, carrying another client's SET.
 *
 * Connections are capped (`cap`); at the cap the least recently used idle connection of another
 * tenant is closed to make room, else the caller waits for a release.
 */
export class SessionPinnedRouter implements TenantRouter {
  private idle: Idle[] = [];
  private open = 0;
  private peakOpen = 0;
  private opened = 0;
  private closedCount = 0;
  private waits = 0;
  private waiters: Array<() => void> = [];
  private closing = false;

  constructor(
    private readonly cap: number,
    private readonly configOf: (t: TenantPlan) => ClientConfig,
    /** Session-level statement(s) that set a tenant's context, run once per connection. */
    private readonly sessionContextSql: (t: TenantPlan) => string,
  ) {
    if (cap < 1) throw new Error(`connection cap must be >= 1 (got ${cap})`);
  }

  async acquire(tenant: TenantPlan): Promise<TenantSession> {
    const client = await this.checkout(tenant);
    try {
      await client.query('BEGIN');
    } catch (err) {
      this.giveBack(tenant.slug, client, err as Error);
      throw err;
    }
    return makeSession(tenant, false, client, (err) => this.giveBack(tenant.slug, client, err));
  }

  private async checkout(tenant: TenantPlan): Promise<pg.Client> {
    for (let waited = false; ; ) {
      if (this.closing) throw new Error('router is closed');
      // Most recently used first: keeps a tenant on as few connections as possible.
      for (let i = this.idle.length - 1; i >= 0; i--) if (this.idle[i]!.key === tenant.slug) return this.idle.splice(i, 1)[0]!.client;
      if (this.open < this.cap) return this.connect(tenant);
      const lru = this.idle.shift();
      if (lru) {
        this.closedCount++;
        await lru.client.end().catch(() => {});
        return this.connect(tenant, true);
      }
      if (!waited) this.waits++;
      waited = true;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  private async connect(tenant: TenantPlan, slotHeld = false): Promise<pg.Client> {
    if (!slotHeld) this.open++;
    this.peakOpen = Math.max(this.peakOpen, this.open);
    const client = new pg.Client(this.configOf(tenant));
    client.on('error', () => {});
    try {
      await client.connect();
      // Session level, outside a transaction: the "connect hook" that sets the tenant once.
      await client.query(this.sessionContextSql(tenant));
    } catch (err) {
      await client.end().catch(() => {});
      this.open--;
      this.wake();
      throw err;
    }
    this.opened++;
    return client;
  }

  private giveBack(key: string, client: pg.Client, err?: Error): void {
    if (err || this.closing) {
      this.open--;
      this.closedCount++;
      void client.end().catch(() => {});
    } else {
      this.idle.push({ key, client });
    }
    this.wake();
  }

  private wake(): void {
    this.waiters.shift()?.();
  }

  stats(): RouterStats {
    return { open: this.open, peakOpen: this.peakOpen, opened: this.opened, closed: this.closedCount, waits: this.waits };
  }

  async close(): Promise<void> {
    this.closing = true;
    const idle = this.idle;
    this.idle = [];
    for (const w of this.waiters.splice(0)) w();
    await Promise.all(
      idle.map(async ({ client }) => {
        this.open--;
        this.closedCount++;
        await client.end().catch(() => {});
      }),
    );
  }
}
