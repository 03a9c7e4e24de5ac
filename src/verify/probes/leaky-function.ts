import { ident } from '../../db/sql.js';
import { inSession, observation, withScratchSchema } from '../probe-kit.js';
import { ownerOf } from '../probe.js';
import type { Probe } from '../probe.js';
import { rlsOnly } from './view-owner-bypass.js';

/**
 * A cheap, non-LEAKPROOF function in the WHERE clause that RAISEs a NOTICE with every row it sees
 * (and, so the probe can count them from the session, appends it to a transaction-local setting).
 * Row level security quals are security barriers: the function must only ever see own rows, even
 * though the planner would like to run the cheaper function first.
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
        `CREATE FUNCTION ${sc}.peek(tid uuid, oid bigint) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
         BEGIN
           RAISE NOTICE 'tenantbench probe saw % %', tid, oid;
           PERFORM set_config('tb_probe.seen', coalesce(current_setting('tb_probe.seen', true), '') || tid::text || ':' || oid::text || ',', true);
           RETURN false;
         END $$`,
        `GRANT USAGE ON SCHEMA ${sc} TO ${ident(env.roleOf(env.self))}`,
      ],
      (sc) =>
        inSession(env.router, env.self, async (s) => {
          await s.try(`SELECT id FROM orders WHERE ${sc}.peek(tenant_id, id)`);
          const seen = await s.run<{ v: string | null }>("SELECT current_setting('tb_probe.seen', true) AS v");
          const pairs = (seen.rows[0]!.v ?? '').split(',').filter(Boolean).map((p) => p.split(':'));
          const foreign = pairs.filter(([tid, id]) => ownerOf(env.ctx, 'orders', { id, tenant_id: tid }) !== env.self.slug).length;
          const expected = "the function sees only the tenant's own rows";
          if (foreign > 0) return observation('leaked', s.sql, expected, { rowsSeen: foreign, detail: `the function was called with ${foreign} rows of other tenants (each one RAISEd to the client)` });
          if (!pairs.length) return observation('finding', s.sql, expected, { rowsSeen: 0, detail: 'control failed: the function saw no row at all, not even own ones' });
          return observation('blocked', s.sql, expected, { rowsSeen: 0, detail: `the function saw ${pairs.length} own rows only` });
        }),
    ),
};
