import { ident } from '../../db/sql.js';
import { inSession, observation, withScratchSchema } from '../probe-kit.js';
import { foreignCount, foreignCountSql } from '../probe.js';
import type { Probe, ProbeEnv } from '../probe.js';

export const rlsOnly = (env: ProbeEnv) => env.rls;

/**
 * A view runs with its owner's rights unless it is `security_invoker`: a view owned by the table
 * owner (here the admin, who is not subject to the policies) hands every tenant's rows to whoever
 * may select from it. The probe first lists such views already reachable by the application role
 * (a leak of the layout), then creates one of each kind in a scratch schema to show the difference.
 */
export const viewOwnerBypass: Probe = {
  id: 'view-owner-bypass',
  description: 'a view owned by the table owner without security_invoker',
  appliesTo: rlsOnly,
  run: (env) => {
    const role = ident(env.roleOf(env.self));
    return withScratchSchema(
      env.admin,
      env.databaseOf(env.self),
      (sc) => [
        `CREATE VIEW ${sc}.orders_owner AS SELECT id, tenant_id::text AS tenant_id FROM public.orders`,
        `CREATE VIEW ${sc}.orders_invoker WITH (security_invoker = true) AS SELECT id, tenant_id::text AS tenant_id FROM public.orders`,
        `GRANT USAGE ON SCHEMA ${sc} TO ${role}`,
        `GRANT SELECT ON ${sc}.orders_owner, ${sc}.orders_invoker TO ${role}`,
      ],
      (sc) =>
        inSession(env.router, env.self, async (s) => {
          const existing = await s.run<{ v: string }>(
            `SELECT c.oid::regclass::text AS v FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_roles o ON o.oid = c.relowner
              WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'tb\\_probe\\_%'
                AND has_table_privilege(c.oid, 'SELECT') AND (o.rolsuper OR o.rolbypassrls)
                AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)`,
          );
          const self = [env.self.id];
          const direct = await s.run(foreignCountSql('public.orders'), self);
          const owner = await s.try(foreignCountSql(`${sc}.orders_owner`), self);
          const invoker = await s.try(foreignCountSql(`${sc}.orders_invoker`), self);
          const expected = 'no such view in the layout; the scratch security_invoker view shows only own rows';
          const leakedBy = foreignCount(direct) + foreignCount(invoker);
          if (existing.rows.length || leakedBy) {
            return observation('leaked', s.sql, expected, {
              rowsSeen: leakedBy,
              detail: existing.rows.length
                ? `views reachable by the application that bypass the policies: ${existing.rows.map((r) => r.v).join(', ')}`
                : 'other tenants visible without the view',
            });
          }
          if (foreignCount(owner) > 0) {
            return observation('finding', s.sql, expected, {
              rowsSeen: foreignCount(owner),
              detail: `a view owned by the admin (no security_invoker) returned ${foreignCount(owner)} rows of other tenants; the same view with security_invoker = true returned none. The layout ships no such view; any added later must be security_invoker or owned by a role subject to the policies`,
            });
          }
          return observation('blocked', s.sql, expected, { rowsSeen: 0, detail: 'even the owner-rights view returned only own rows' });
        }),
    );
  },
};
