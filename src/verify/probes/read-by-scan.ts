import { appFilter, inSession, verdict } from '../probe-kit.js';
import { foreignRows, ownerCols } from '../probe.js';
import type { Probe } from '../probe.js';

/**
 * A full scan of a tenant table: every row returned must be the tenant's own. Pooled layouts also
 * scan the tenants directory (one row per tenant: only the tenant's own may be visible).
 */
export const readByScan: Probe = {
  id: 'read-by-scan',
  description: 'scan a whole table and count rows of other tenants',
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const r = await s.try(
        `SELECT ${ownerCols(env.pooled)} FROM order_items WHERE true${appFilter(env.appFilter, 1)}`,
        env.appFilter ? [env.self.id] : [],
      );
      const foreign = r.ok ? foreignRows(env, 'order_items', r.rows) : 0;
      let directory = 0;
      if (env.pooled) {
        const d = await s.try<{ id: string }>(
          `SELECT id::text AS id FROM tenants WHERE true${env.appFilter ? ' AND id = $1' : ''}`,
          env.appFilter ? [env.self.id] : [],
        );
        directory = d.ok ? d.rows.filter((x) => x.id !== env.self.id).length : 0;
      }
      return verdict({
        foreign: foreign + directory,
        controlOk: r.ok && r.rows.length - foreign > 0,
        controlText: "the tenant's own items are in the scan",
        sql: s.sql,
        expected: "only the tenant's own rows",
        sqlstate: r.ok ? null : r.sqlstate,
        detail: r.ok
          ? `${r.rows.length} rows returned${directory ? `; ${directory} other tenants in the tenants directory` : ''}`
          : undefined,
      });
    }),
};
