import { appFilter, inSession, rowId, verdict } from '../probe-kit.js';
import { foreignRows, ownerCols } from '../probe.js';
import type { Probe } from '../probe.js';

/** UPDATE another tenant's order by id: rows affected must be 0 (not just "no error"). */
export const updateOtherTenant: Probe = {
  id: 'update-other-tenant',
  description: "update another tenant's row by id (rows affected must be 0)",
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const q = `UPDATE orders SET note = 'tenantbench probe' WHERE id = $1${appFilter(env.appFilter, 2)} RETURNING ${ownerCols(env.pooled)}`;
      const args = (id: number) => (env.appFilter ? [id, env.self.id] : [id]);
      const own = await s.try(q, args(rowId(env.self, 'orders')));
      const other = await s.try(q, args(rowId(env.victim, 'orders')));
      return verdict({
        write: true,
        foreign: other.ok ? foreignRows(env, 'orders', other.rows) : 0,
        controlOk: own.ok && own.rowCount === 1,
        controlText: "updating the tenant's own order affects 1 row",
        sql: s.sql,
        expected: "0 rows affected for the other tenant's order; 1 for the tenant's own",
        sqlstate: other.ok ? null : other.sqlstate,
        detail: other.ok ? `rowCount ${other.rowCount}` : undefined,
      });
    }),
};
