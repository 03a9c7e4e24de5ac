import type { TenantRouter } from '../layouts/layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';

/**
 * Delete the rows a workload inserted (ids outside each tenant's planned ranges), through the
 * layout's own sessions. Run before and after every segment whose mix writes, so each layout and
 * repeat starts from the same rows, and the per-tenant checksums still match the plan afterwards
 * (`run --seeded` and `seed --seeded` check them).
 */
export async function removeWrittenRows(router: TenantRouter, tenants: readonly TenantPlan[]): Promise<number> {
  let removed = 0;
  for (const t of tenants) {
    const s = await router.acquire(t);
    try {
      const f = s.needsTenantFilter ? ' AND tenant_id = $3' : '';
      const items = await s.query(`DELETE FROM order_items WHERE (id < $1 OR id >= $2)${f}`, [
        t.idStart.order_items,
        t.idStart.order_items + t.counts.order_items,
        ...(s.needsTenantFilter ? [t.id] : []),
      ]);
      const orders = await s.query(`DELETE FROM orders WHERE (id < $1 OR id >= $2)${f}`, [
        t.idStart.orders,
        t.idStart.orders + t.counts.orders,
        ...(s.needsTenantFilter ? [t.id] : []),
      ]);
      removed += (items.rowCount ?? 0) + (orders.rowCount ?? 0);
      await s.release();
    } catch (err) {
      await s.release(err).catch(() => {});
      throw err;
    }
  }
  return removed;
}
