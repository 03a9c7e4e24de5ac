import { appFilter, inSession, verdict } from '../probe-kit.js';
import { foreignRows, ownerCols } from '../probe.js';
import type { Probe } from '../probe.js';

/** A full scan of a tenant table: every row returned must be the tenant's own. */
export const readByScan: Probe = {
  id: 'read-by-scan',
  description: 'scan a whole table and count rows of other tenants',
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const r = await s.try(`SELECT ${ownerCols(env.pooled)} FROM order_items WHERE true${appFilter(env.appFilter, 1)}`, env.appFilter ? [env.self.id] : []);
      const foreign = r.ok ? foreignRows(env, 'order_items', r.rows) : 0;
      return verdict({
        foreign,
        controlOk: r.ok && r.rows.length - foreign > 0,
        controlText: "the tenant's own items are in the scan",
        sql: s.sql,
        expected: "only the tenant's own rows",
        sqlstate: r.ok ? null : r.sqlstate,
        detail: r.ok ? `${r.rows.length} rows returned` : undefined,
      });
    }),
};
