import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type { RouterStats, TenantRouter } from '../layout.js';
import { sumRouterStats } from './router-stats.js';

/**
 * One router per server (tenant databases placed on several servers): a tenant's session comes from
 * its server's router, so each server's connections are capped by its own router (the cap protects
 * that server's max_connections; a cap shared across servers would let one busy server starve the
 * others' tenants). Stats are sums over the servers; `peakOpen` is the sum of each server's peak,
 * an upper bound of the peak across all of them at one instant.
 */
export class PerServerRouter implements TenantRouter {
  constructor(
    private readonly routers: readonly TenantRouter[],
    private readonly serverOf: (t: TenantPlan) => number,
  ) {
    // One queue only with one server whose router has one.
    const only = routers.length === 1 ? routers[0] : undefined;
    if (only?.waiting) this.waiting = () => only.waiting!();
  }

  readonly waiting?: () => number;

  acquire(tenant: TenantPlan) {
    const r = this.routers[this.serverOf(tenant)];
    if (!r) throw new Error(`tenant ${tenant.slug}: no router for server ${this.serverOf(tenant)}`);
    return r.acquire(tenant);
  }

  stats(): RouterStats {
    return sumRouterStats(this.perServer());
  }

  /** Stats of each server's router, primary first. */
  perServer(): RouterStats[] {
    return this.routers.map((r) => r.stats());
  }

  async close(): Promise<void> {
    await Promise.all(this.routers.map((r) => r.close()));
  }
}
