import { ident } from '../../db/sql.js';
import { inSession, observation, withScratchSchema } from '../probe-kit.js';
import type { Probe } from '../probe.js';
import { rlsOnly } from './view-owner-bypass.js';

/**
 * A cheap, non-LEAKPROOF function in the WHERE clause that sees every row the planner lets it see.
 * Row level security quals are security barriers: the function must only ever see own rows, even
 * though the planner would like to run the cheaper function first. The function counts the rows it
 * sees (own and other tenants', in transaction-local settings: constant work per row, so the probe
 * stays linear on a tenant with 100k rows) and RAISEs a NOTICE with each row of another tenant.
 */
export const leakyFunction: Probe = {
  id: 'leaky-function',
  description: 'a leaky function (RAISE NOTICE) in a filter sees only own rows',
  appliesTo: rlsOnly,
  run: (env) =>
    withScratchSchema(
      env.admin,
      env.databaseOf(env.self),
      (sc) => [
        `CREATE FUNCTION ${sc}.peek(tid uuid, oid bigint, own uuid) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
         DECLARE k text := CASE WHEN tid = own THEN 'tb_probe.own' ELSE 'tb_probe.foreign' END;
         BEGIN
           IF tid IS DISTINCT FROM own THEN
             RAISE NOTICE 'tenantbench probe saw % %', tid, oid;
           END IF;
           PERFORM set_config(k, (coalesce(nullif(current_setting(k, true), ''), '0')::bigint + 1)::text, true);
           RETURN false;
         END $$`,
        `GRANT USAGE ON SCHEMA ${sc} TO ${ident(env.roleOf(env.self))}`,
      ],
      (sc) =>
        inSession(env.router, env.self, async (s) => {
          await s.try(`SELECT id FROM orders WHERE ${sc}.peek(tenant_id, id, '${env.self.id}'::uuid)`);
          const seen = await s.run<{ own: string | null; foreign: string | null }>(
            "SELECT current_setting('tb_probe.own', true) AS own, current_setting('tb_probe.foreign', true) AS foreign",
          );
          const own = Number(seen.rows[0]!.own || 0);
          const foreign = Number(seen.rows[0]!.foreign || 0);
          const expected = "the function sees only the tenant's own rows";
          if (foreign > 0)
            return observation('leaked', s.sql, expected, {
              rowsSeen: foreign,
              detail: `the function was called with ${foreign} rows of other tenants (each one RAISEd to the client)`,
            });
          if (!own)
            return observation('finding', s.sql, expected, {
              rowsSeen: 0,
              detail: 'control failed: the function saw no row at all, not even own ones',
            });
          return observation('blocked', s.sql, expected, { rowsSeen: 0, detail: `the function saw ${own} own rows only` });
        }),
    ),
};
