import { ident, literal } from '../../db/sql.js';
import { inSession, observation } from '../probe-kit.js';
import { foreignRows, ownerCols } from '../probe.js';
import type { Probe, ProbeEnv } from '../probe.js';
import { contextLayouts } from './no-tenant-context.js';

/** A session-level (not LOCAL) SET of the victim's context, as a careless request would leave it. */
function sessionSet(env: ProbeEnv): string {
  const v = env.victim;
  if (env.contextKind === 'setting') return `SELECT set_config('app.tenant_id', ${literal(v.id)}, false)`;
  const path = `SELECT set_config('search_path', ${literal(ident(env.schemaOf(v)))}, false)`;
  return env.contextKind === 'role' ? `${path}; SET SESSION ROLE ${ident(env.roleOf(v))}` : path;
}

/**
 * Pooled connections: request 1 (another tenant) leaves a session-level SET of its context on the
 * connection; request 2 (this tenant) gets the same connection from a one-connection router. It
 * must see only its own rows (leak otherwise). If the residue is still on the connection once
 * request 2's own transaction ended, the router does not reset connections: a leak too (the
 * connection serving this tenant reads the other tenant's rows).
 */
export const pooledSessionResidue: Probe = {
  id: 'pooled-session-residue',
  description: 'a session-level SET left on a pooled connection, reused by the next request for another tenant',
  appliesTo: contextLayouts,
  async run(env) {
    const router = env.newRouter(1);
    const sql: string[] = [`-- request 1, for ${env.victim.slug}`];
    try {
      const first = await router.acquire(env.victim);
      try {
        sql.push(sessionSet(env).replace(/\s+/g, ' '));
        await first.query(sessionSet(env));
        await first.release();
      } catch (err) {
        await first.release(err);
        throw err;
      }
      sql.push(`-- request 2, for ${env.self.slug} (same connection)`);
      return await inSession(
        router,
        env.self,
        async (s) => {
          const during = await s.try(`SELECT ${ownerCols(env.pooled)} FROM orders`);
          const foreign = during.ok ? foreignRows(env, 'orders', during.rows) : 0;
          await s.commit();
          const after = await s.try(`SELECT ${ownerCols(env.pooled)} FROM orders`);
          const residue = after.ok ? foreignRows(env, 'orders', after.rows) : 0;
          const expected = "request 2 sees only its own rows; nothing of request 1's context is left on the connection";
          if (foreign > 0)
            return observation('leaked', s.sql, expected, {
              rowsSeen: foreign,
              detail: `request 2 saw ${foreign} rows of ${env.victim.slug}`,
            });
          if (!during.ok || during.rows.length === 0)
            return observation('finding', s.sql, expected, { rowsSeen: 0, detail: 'control failed: request 2 saw none of its own rows' });
          if (residue > 0) {
            return observation('leaked', s.sql, expected, {
              rowsSeen: residue,
              detail: `request 1's session-level context survived into request 2 (another tenant, same connection): outside its own transaction the connection sees ${residue} rows of ${env.victim.slug}. Request 2's transaction-local context hid it only for the statements inside that transaction; every kind of session state reaches the next tenant the same way (see the pool-residue-* probes). The router must reset connections when they return to the pool`,
            });
          }
          return observation('blocked', s.sql, expected, { rowsSeen: 0 });
        },
        sql,
      );
    } finally {
      await router.close();
    }
  },
};
