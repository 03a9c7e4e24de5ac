import { ident } from '../../db/sql.js';
import { inSession, observation, withScratchSchema } from '../probe-kit.js';
import { foreignCount, foreignCountSql } from '../probe.js';
import type { Probe } from '../probe.js';
import { rlsOnly } from './view-owner-bypass.js';

/**
 * A SECURITY DEFINER function runs as its owner: owned by the admin it reads past the policies.
 * Lists such functions already executable by the application role (a leak of the layout), then
 * demonstrates one in a scratch schema.
 */
export const securityDefinerBypass: Probe = {
  id: 'security-definer-bypass',
  description: 'a SECURITY DEFINER function owned by a role the policies do not apply to',
  appliesTo: rlsOnly,
  run: (env) => {
    const role = ident(env.roleOf(env.self));
    return withScratchSchema(
      env.admin,
      env.databaseOf(env.self),
      (sc) => [
        `CREATE FUNCTION ${sc}.all_orders() RETURNS TABLE (id bigint, tenant_id text) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS 'SELECT id, tenant_id::text FROM public.orders'`,
        `GRANT USAGE ON SCHEMA ${sc} TO ${role}`,
      ],
      (sc) =>
        inSession(env.router, env.self, async (s) => {
          const existing = await s.run<{ f: string }>(
            `SELECT p.oid::regprocedure::text AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_roles o ON o.oid = p.proowner
              WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'tb\\_probe\\_%'
                AND has_function_privilege(p.oid, 'EXECUTE') AND (o.rolsuper OR o.rolbypassrls)`,
          );
          const self = [env.self.id];
          const direct = foreignCount(await s.run(foreignCountSql('public.orders'), self));
          const viaFn = await s.try(foreignCountSql(`${sc}.all_orders()`), self);
          const seen = foreignCount(viaFn);
          const expected = 'no such function in the layout';
          if (existing.rows.length || direct) {
            return observation('leaked', s.sql, expected, {
              rowsSeen: direct,
              detail: existing.rows.length
                ? `SECURITY DEFINER functions of a superuser/BYPASSRLS owner executable by the application: ${existing.rows.map((r) => r.f).join(', ')}`
                : 'other tenants visible without the function',
            });
          }
          if (seen > 0) {
            return observation('finding', s.sql, expected, {
              rowsSeen: seen,
              detail: `a SECURITY DEFINER function owned by the admin returned ${seen} rows of other tenants. The layout ships none; any added later must filter by the caller's tenant or be owned by a role subject to the policies (FORCE)`,
            });
          }
          return observation('blocked', s.sql, expected, { rowsSeen: 0, sqlstate: viaFn.ok ? undefined : (viaFn.sqlstate ?? undefined) });
        }),
    );
  },
};
