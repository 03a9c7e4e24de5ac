import pg from 'pg';
import type { ClientConfig } from 'pg';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type { RouterStats, TenantRouter, TenantSession } from '../layout.js';
import { makeSession } from './pool-router.js';

interface Idle {
  key: string;
  client: pg.Client;
}

/**
 * Connections keyed by tenant (a database and role per tenant) under one global cap. A tenant
 * reuses its own idle connection; otherwise a new one is opened if under the cap; otherwise the
 * least recently used idle connection of another tenant is closed to make room; otherwise the
 * caller waits (FIFO) for a release. The cap is never exceeded.
 */
export class CappedKeyedRouter implements TenantRouter {
  /** Idle connections, least recently used first. */
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
    private readonly contextSql: (t: TenantPlan) => string = () => '',
    /**
     * Statement(s) run once on each new connection, outside any transaction (a session-level context:
     * the pattern `SessionPinnedRouter` exists to measure). A connection with one keeps its session
     * state on release (no RESET_ON_RELEASE, which would wipe the context it depends on): it is keyed
     * to its tenant and never lent to another tenant by this router. Without one, connections are
     * reset on release like every other router's.
     */
    private readonly connectSql?: (t: TenantPlan) => string,
  ) {
    if (cap < 1) throw new Error(`connection cap must be >= 1 (got ${cap})`);
  }

  async acquire(tenant: TenantPlan): Promise<TenantSession> {
    const client = await this.checkout(tenant);
    try {
      await client.query(`BEGIN; ${this.contextSql(tenant)}`);
    } catch (err) {
      this.giveBack(tenant.slug, client, err as Error);
      throw err;
    }
    return makeSession(tenant, false, client, (err) => this.giveBack(tenant.slug, client, err), !this.connectSql);
  }

  private async checkout(tenant: TenantPlan): Promise<pg.Client> {
    for (let waited = false; ; ) {
      if (this.closing) throw new Error('router is closed');
      // Most recently used first: keeps a tenant on as few connections as possible.
      for (let i = this.idle.length - 1; i >= 0; i--) if (this.idle[i]!.key === tenant.slug) return this.idle.splice(i, 1)[0]!.client;
      if (this.open < this.cap) return this.connect(tenant);
      const lru = this.idle.shift();
      if (lru) {
        // Hand the evicted connection's slot straight to the new one: the slot stays counted
        // while the old connection closes, so nobody else can take it in between.
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
    // Count the slot before the handshake so concurrent acquires cannot overshoot the cap.
    if (!slotHeld) this.open++;
    this.peakOpen = Math.max(this.peakOpen, this.open);
    const client = new pg.Client(this.configOf(tenant));
    client.on('error', () => {});
    try {
      await client.connect();
      if (this.connectSql) await client.query(this.connectSql(tenant));
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
