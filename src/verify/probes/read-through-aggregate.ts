import { appFilter, inSession, verdict } from '../probe-kit.js';
import { ownerOf } from '../probe.js';
import type { Probe } from '../probe.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';

/**
 * An aggregate over another tenant's id range returns no rows, only numbers: count and sum must
 * not include the other tenant's orders (the tenant's own range is the control).
 */
export const readThroughAggregate: Probe = {
  id: 'read-through-aggregate',
  description: "count(*) and sum(total) over another tenant's id range",
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const q = `SELECT count(*)::int AS n, coalesce(sum(total), 0)::text AS total, min(id)::text AS lo, max(id)::text AS hi FROM orders WHERE id BETWEEN $1 AND $2${appFilter(env.appFilter, 3)}`;
      const range = (t: TenantPlan) => [t.idStart.orders, t.idStart.orders + t.counts.orders - 1, ...(env.appFilter ? [env.self.id] : [])];
      const own = await s.try<{ n: number }>(q, range(env.self));
      const other = await s.try<{ n: number; total: string; lo: string | null; hi: string | null }>(q, range(env.victim));
      let foreign = 0;
      if (other.ok && other.rows[0]!.n > 0) {
        const r = other.rows[0]!;
        // The range lies inside one tenant's ids: its owner decides whether the numbers are foreign.
        if (ownerOf(env.ctx, 'orders', { id: r.lo }) !== env.self.slug || ownerOf(env.ctx, 'orders', { id: r.hi }) !== env.self.slug)
          foreign = r.n;
      }
      return verdict({
        foreign,
        controlOk: own.ok && own.rows[0]!.n === env.self.counts.orders,
        controlText: `count over the tenant's own range = its ${env.self.counts.orders} orders`,
        sql: s.sql,
        expected: "count 0 over the other tenant's range; the own range counts every own order",
        sqlstate: other.ok ? null : other.sqlstate,
        detail: other.ok ? `count ${other.rows[0]!.n}, sum ${other.rows[0]!.total}` : undefined,
      });
    }),
};
