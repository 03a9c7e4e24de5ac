import { appFilter, inSession, rowId, verdict } from '../probe-kit.js';
import { foreignRows, ownerCols } from '../probe.js';
import type { Probe } from '../probe.js';

/** SELECT another tenant's order by its primary key, with the tenant's own order as the control. */
export const readById: Probe = {
  id: 'read-by-id',
  description: "read another tenant's row by its id",
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const q = `SELECT ${ownerCols(env.pooled)} FROM orders WHERE id = $1${appFilter(env.appFilter, 2)}`;
      const args = (id: number) => (env.appFilter ? [id, env.self.id] : [id]);
      const own = await s.try(q, args(rowId(env.self, 'orders')));
      const other = await s.try(q, args(rowId(env.victim, 'orders')));
      return verdict({
        foreign: other.ok ? foreignRows(env, 'orders', other.rows) : 0,
        controlOk: own.ok && own.rows.length === 1,
        controlText: "the tenant's own order by id",
        sql: s.sql,
        expected: "0 rows of the other tenant; the tenant's own order is visible",
        sqlstate: other.ok ? null : other.sqlstate,
      });
    }),
};
