import type { ResolvedScenario } from '../../config/load-scenario.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { noisyTenantOf } from '../../workload/noisy-neighbour.js';

/**
 * Share of the requests that go to each tenant under the workload's tenant choice (uniform, by
 * rows, or a hot tenant), over every tenant of the plan.
 */
function tenantShares(scenario: ResolvedScenario, tenants: readonly TenantPlan[]): (t: TenantPlan) => number {
  const choice = scenario.workload.tenantChoice;
  const n = Math.max(1, tenants.length);
  if (choice.kind === 'uniform') return () => 1 / n;
  if (choice.kind === 'weighted') {
    const total = tenants.reduce((a, t) => a + t.rows, 0) || 1;
    return (t) => t.rows / total;
  }
  const hot = choice.tenant ?? [...tenants].sort((a, b) => b.rows - a.rows || a.index - b.index)[0]?.slug;
  const others = Math.max(1, n - 1);
  return (t) => (t.slug === hot ? choice.share : (1 - choice.share) / others);
}

/**
 * The most connections the database-per-tenant router keeps for one tenant: what the tenant needs
 * at once, its share of the concurrent requesters rounded up, plus one for a burst
 * (ceil(requesters x share) + 1); the noisy neighbour's tenant also gets its own loops. Beyond it
 * a tenant waits for one of its connections (a query's time) instead of opening one (a connection
 * costs a fork and authentication, tens of ms) and, at the global cap, evicting another tenant's.
 * Never below an equal share (ceil(requesters / tenants) + 1, so at least 2): a caller that holds
 * sessions of several tenants at once round robin (the segment's prewarm holds min(users, cap))
 * must not wait for itself.
 * `requesters`: the caller's concurrency (RouterOptions.maxConnections), else the workload's users.
 */
export function perTenantBound(scenario: ResolvedScenario, tenants: readonly TenantPlan[], requesters?: number): (t: TenantPlan) => number {
  const users = requesters ?? scenario.workload.users;
  const share = tenantShares(scenario, tenants);
  const equal = Math.ceil(users / Math.max(1, tenants.length));
  const noisy = noisyTenantOf(scenario.workload, tenants);
  const extra = noisy ? (scenario.workload.noisyNeighbour?.users ?? 0) : 0;
  // 1e-9: a share times users that is a whole number in exact arithmetic must not round up.
  return (t) => Math.max(Math.ceil(users * share(t) - 1e-9), equal, 1) + 1 + (t === noisy ? extra : 0);
}
