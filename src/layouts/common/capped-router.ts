import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ClientConfig } from 'pg';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type { Acquisition, RouterStats, TenantRouter, TenantSession } from '../layout.js';
import { makeSession } from './pool-router.js';
import { acquisitionOf } from './router-acquisition.js';

interface Idle {
  key: string;
  client: pg.Client;
  /** performance.now() when it was given back. */
  since: number;
}

/**
 * At the cap, a tenant that already holds connections (all busy) waits for one of them rather than
 * evict another tenant's idle connection that was used less than this long ago, ms: that tenant is
 * likely to want it back, and each eviction costs a connect (a fork and authentication, tens of ms)
 * where waiting costs a query. A connection idle longer is not in its tenant's working set.
 */
export const EVICT_IDLE_AFTER_MS = 1000;

/** A checkout queued in the router: handed an idle connection of its tenant, or woken to look again (null). */
interface Waiter {
  key: string;
  /** The tenant's bound. */
  bound: number;
  resume(client: pg.Client | null): void;
}

/** A connection in hand, and how it was obtained. */
interface Checkout {
  client: pg.Client;
  acquisition: Acquisition;
}

/**
 * Connections keyed by tenant (a database and role per tenant) under a global cap and a per-tenant
 * bound. A tenant reuses its own idle connection (most recently used first); below its bound it
 * opens a new one if under the cap, else closes the least recently used idle connection of another
 * tenant to make room (when it holds none, or that connection has been idle EVICT_IDLE_AFTER_MS);
 * otherwise it waits for one of its own connections or a free slot. Idle connections stay open
 * until the cap needs their slot: a tenant keeps at most what it needs at once, and the cap and
 * each tenant's bound are never exceeded. Queued checkouts are served in arrival order.
 */
export class CappedKeyedRouter implements TenantRouter {
  /** Idle connections, least recently used first. */
  private idle: Idle[] = [];
  private open = 0;
  /** Connections per tenant, idle, busy or being opened. */
  private readonly openOf = new Map<string, number>();
  private peakOpen = 0;
  private opened = 0;
  private closedCount = 0;
  private evicted = 0;
  private waits = 0;
  private waiters: Waiter[] = [];
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
    /** Most connections one tenant may hold (>= 1); default: the cap alone limits it. */
    private readonly perTenantMax: (t: TenantPlan) => number = () => Number.POSITIVE_INFINITY,
  ) {
    if (cap < 1) throw new Error(`connection cap must be >= 1 (got ${cap})`);
  }

  async acquire(tenant: TenantPlan): Promise<TenantSession> {
    const { client, acquisition } = await this.checkout(tenant);
    try {
      await client.query(`BEGIN; ${this.contextSql(tenant)}`);
    } catch (err) {
      this.giveBack(tenant.slug, client, err as Error);
      throw err;
    }
    return makeSession(tenant, false, client, (err) => this.giveBack(tenant.slug, client, err), !this.connectSql, acquisition);
  }

  private async checkout(tenant: TenantPlan): Promise<Checkout> {
    const key = tenant.slug;
    const bound = Math.max(1, this.perTenantMax(tenant));
    const start = performance.now();
    let waitedUntil: number | null = null;
    for (let first = true; ; first = false) {
      if (this.closing) throw new Error('router is closed');
      const mine = this.takeIdle(key);
      if (mine) return { client: mine, acquisition: acquisitionOf(start, waitedUntil, null, performance.now()) };
      const held = this.openOf.get(key) ?? 0;
      if (held < bound) {
        const connectFrom = performance.now();
        if (this.open < this.cap) return this.connected(start, waitedUntil, connectFrom, await this.connect(tenant));
        if (this.mayEvict(held, connectFrom)) {
          const lru = this.idle.shift()!;
          // Hand the evicted connection's slot straight to the new one: the slot stays counted
          // while the old connection closes, so nobody else can take it in between.
          this.evicted++;
          this.closedCount++;
          this.forget(lru.key);
          await lru.client.end().catch(() => {});
          return this.connected(start, waitedUntil, connectFrom, await this.connect(tenant, true));
        }
      }
      if (first) this.waits++;
      const handed = await new Promise<pg.Client | null>((resume) => {
        // A checkout woken to look again and beaten to it keeps its place at the front.
        if (first) this.waiters.push({ key, bound, resume });
        else this.waiters.unshift({ key, bound, resume });
      });
      waitedUntil = performance.now();
      if (handed) return { client: handed, acquisition: acquisitionOf(start, waitedUntil, null, waitedUntil) };
    }
  }

  /** At the cap: whether a tenant holding `held` connections may close the least recently used idle one. */
  private mayEvict(held: number, now: number): boolean {
    const lru = this.idle[0];
    return lru !== undefined && (held === 0 || now - lru.since >= EVICT_IDLE_AFTER_MS);
  }

  private connected(start: number, waitedUntil: number | null, connectFrom: number, client: pg.Client): Checkout {
    return { client, acquisition: acquisitionOf(start, waitedUntil, connectFrom, performance.now()) };
  }

  /** The tenant's most recently used idle connection: keeps a tenant on as few connections as possible. */
  private takeIdle(key: string): pg.Client | null {
    for (let i = this.idle.length - 1; i >= 0; i--) if (this.idle[i]!.key === key) return this.idle.splice(i, 1)[0]!.client;
    return null;
  }

  private async connect(tenant: TenantPlan, slotHeld = false): Promise<pg.Client> {
    // Count the slot before the handshake so concurrent acquires cannot overshoot the cap or the bound.
    if (!slotHeld) this.open++;
    this.openOf.set(tenant.slug, (this.openOf.get(tenant.slug) ?? 0) + 1);
    this.peakOpen = Math.max(this.peakOpen, this.open);
    const client = new pg.Client(this.configOf(tenant));
    client.on('error', () => {});
    try {
      await client.connect();
      if (this.connectSql) await client.query(this.connectSql(tenant));
    } catch (err) {
      await client.end().catch(() => {});
      this.open--;
      this.forget(tenant.slug);
      this.wakeOne();
      throw err;
    }
    this.opened++;
    return client;
  }

  /** One connection of `key` is gone (closed, or its slot handed to another tenant). */
  private forget(key: string): void {
    const n = (this.openOf.get(key) ?? 1) - 1;
    if (n > 0) this.openOf.set(key, n);
    else this.openOf.delete(key);
  }

  private giveBack(key: string, client: pg.Client, err?: Error): void {
    if (err || this.closing) {
      this.open--;
      this.closedCount++;
      this.forget(key);
      void client.end().catch(() => {});
      this.wakeOne();
      return;
    }
    // A checkout queued for this tenant takes the connection as it is (still counted as the tenant's).
    const i = this.waiters.findIndex((w) => w.key === key);
    if (i >= 0) {
      this.waiters.splice(i, 1)[0]!.resume(client);
      return;
    }
    this.idle.push({ key, client, since: performance.now() });
    this.wakeOne();
  }

  /**
   * Wake the first queued checkout that can now go on: its tenant has an idle connection, or is below
   * its bound with room under the cap (a free slot, or an idle connection to evict).
   */
  private wakeOne(): void {
    const roomy = this.open < this.cap || this.idle.length > 0;
    const i = this.waiters.findIndex((w) => this.idle.some((x) => x.key === w.key) || (roomy && (this.openOf.get(w.key) ?? 0) < w.bound));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resume(null);
  }

  stats(): RouterStats {
    return {
      open: this.open,
      peakOpen: this.peakOpen,
      opened: this.opened,
      closed: this.closedCount,
      waits: this.waits,
      evicted: this.evicted,
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    const idle = this.idle;
    this.idle = [];
    for (const w of this.waiters.splice(0)) w.resume(null);
    await Promise.all(
      idle.map(async ({ client, key }) => {
        this.open--;
        this.closedCount++;
        this.forget(key);
        await client.end().catch(() => {});
      }),
    );
  }
}
