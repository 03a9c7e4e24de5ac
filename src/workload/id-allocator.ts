import type { TenantRouter } from '../layouts/layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { IdSource } from './workload-query.js';

/**
 * Ids for inserted rows: one counter per table, starting above the highest id any tenant holds
 * (read through the layout's own sessions before the measurement, so earlier runs' inserts count).
 * Global counters keep ids unique across tenants, as the seeded ids are, so a write never collides
 * and no per-request max(id) serialises writers. The dataset has no sequences (ids are planned),
 * and a sequence per tenant database would make the layouts differ in what they execute.
 */
export async function allocateIds(router: TenantRouter, tenants: readonly TenantPlan[]): Promise<IdSource> {
  const next = { orders: 0, order_items: 0 };
  for (const tenant of tenants) {
    const s = await router.acquire(tenant);
    try {
      const f = s.needsTenantFilter ? ' WHERE tenant_id = $1' : '';
      const v = s.needsTenantFilter ? [tenant.id] : [];
      const r = await s.query<{ o: string; i: string }>(
        `SELECT (SELECT coalesce(max(id), 0) FROM orders${f})::text AS o, (SELECT coalesce(max(id), 0) FROM order_items${f})::text AS i`,
        v,
      );
      await s.release();
      next.orders = Math.max(next.orders, Number(r.rows[0]!.o), tenant.idStart.orders + tenant.counts.orders - 1);
      next.order_items = Math.max(next.order_items, Number(r.rows[0]!.i), tenant.idStart.order_items + tenant.counts.order_items - 1);
    } catch (err) {
      await s.release(err).catch(() => {});
      throw err;
    }
  }
  return {
    next: (table) => ++next[table],
  };
}
