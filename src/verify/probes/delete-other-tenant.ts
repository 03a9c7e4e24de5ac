import { appFilter, inSession, rowId, verdict } from '../probe-kit.js';
import { foreignRows, ownerCols } from '../probe.js';
import type { Probe } from '../probe.js';

/** DELETE another tenant's order item by id (a leaf row: no foreign key stops it): 0 rows affected. */
export const deleteOtherTenant: Probe = {
  id: 'delete-other-tenant',
  description: "delete another tenant's row by id (rows affected must be 0)",
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const q = `DELETE FROM order_items WHERE id = $1${appFilter(env.appFilter, 2)} RETURNING ${ownerCols(env.pooled)}`;
      const args = (id: number) => (env.appFilter ? [id, env.self.id] : [id]);
      const own = await s.try(q, args(rowId(env.self, 'order_items')));
      const other = await s.try(q, args(rowId(env.victim, 'order_items')));
      return verdict({
        write: true,
        foreign: other.ok ? foreignRows(env, 'order_items', other.rows) : 0,
        controlOk: own.ok && own.rowCount === 1,
        controlText: "deleting the tenant's own item affects 1 row",
        sql: s.sql,
        expected: "0 rows affected for the other tenant's item; 1 for the tenant's own",
        sqlstate: other.ok ? null : other.sqlstate,
        detail: other.ok ? `rowCount ${other.rowCount}` : undefined,
      });
    }),
};
