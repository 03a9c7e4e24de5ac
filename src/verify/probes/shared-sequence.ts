import { inSession, observation } from '../probe-kit.js';
import type { Probe } from '../probe.js';

/**
 * Side channel: a sequence every tenant draws from reveals the others' write volume (the gap
 * between two of my ids = everyone else's inserts in between). Lists the sequences the session can
 * use outside the tenant's own schema (pooled tables: any sequence in public is shared).
 */
export const sharedSequence: Probe = {
  id: 'shared-sequence',
  description: "a sequence shared by tenants revealing other tenants' write volume",
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const own = env.pooled ? null : env.schemaOf(env.self);
      const r = await s.run<{ seq: string }>(
        `SELECT c.oid::regclass::text AS seq FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND ($1::text IS NULL OR n.nspname <> $1)
            AND CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'USAGE') ELSE false END`,
        [own],
      );
      const expected = 'no sequence shared with other tenants';
      if (r.rows.length) {
        return observation('finding', s.sql, expected, {
          detail: `usable sequences shared with other tenants: ${r.rows.map((x) => x.seq).join(', ')}: the gaps between a tenant's own ids count everyone else's inserts`,
        });
      }
      return observation('blocked', s.sql, expected, {
        detail:
          'no shared sequence reachable; row ids come from the application (a global id counter there would be the same side channel)',
      });
    }),
};
