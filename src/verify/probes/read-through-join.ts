import { appFilter, inSession, rowId, verdict } from '../probe-kit.js';
import { ownerOf } from '../probe.js';
import type { Probe } from '../probe.js';

/**
 * Reach another tenant's rows through a join: the items of the other tenant's order, joined from
 * the orders table (each side filtered on its own), with the tenant's own order as the control.
 */
export const readThroughJoin: Probe = {
  id: 'read-through-join',
  description: "join orders to order_items on another tenant's order id",
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const tcols = env.pooled ? ', o.tenant_id::text AS o_tenant, i.tenant_id::text AS i_tenant' : '';
      const q = `SELECT o.id AS o_id, i.id AS i_id${tcols} FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.id = ANY($1::bigint[])${appFilter(env.appFilter, 2, 'o')}${appFilter(env.appFilter, 2, 'i')}`;
      const r = await s.try<{ o_id: string; i_id: string; o_tenant?: string; i_tenant?: string }>(q, [
        [rowId(env.self, 'orders'), rowId(env.victim, 'orders')],
        ...(env.appFilter ? [env.self.id] : []),
      ]);
      const rows = r.ok ? r.rows : [];
      const foreign = rows.filter(
        (x) =>
          ownerOf(env.ctx, 'orders', { id: x.o_id, tenant_id: x.o_tenant }) !== env.self.slug ||
          ownerOf(env.ctx, 'order_items', { id: x.i_id, tenant_id: x.i_tenant }) !== env.self.slug,
      ).length;
      return verdict({
        foreign,
        controlOk: r.ok && rows.length - foreign > 0,
        controlText: "the items of the tenant's own order are joined",
        sql: s.sql,
        expected: "only the joined items of the tenant's own order",
        sqlstate: r.ok ? null : r.sqlstate,
      });
    }),
};
