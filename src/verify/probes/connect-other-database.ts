import { failureText, observation, tryConnect } from '../probe-kit.js';
import type { Probe, ProbeEnv } from '../probe.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';

/** Pairs (who logs in, whose database) where the two live in different databases. */
function pairs(env: ProbeEnv): [TenantPlan, TenantPlan][] {
  const out: [TenantPlan, TenantPlan][] = [];
  const cands = [env.victim, env.crossVictim].filter((t): t is TenantPlan => t !== null);
  for (const v of cands) {
    if (env.databaseOf(v) !== env.databaseOf(env.self)) out.push([env.self, v], [v, env.self]);
  }
  // A "victim" in the tenant's own database (the self-check): still one login to make.
  if (!out.length && cands.some((v) => v.slug === env.self.slug) && env.contextKind === 'database') out.push([env.self, env.self]);
  return out;
}

/**
 * Log in with one tenant's role to another tenant's database. Getting in is a leak even before a
 * table is read: the catalog of that database (table names, row estimates in pg_class) is open to
 * every connected role.
 */
export const connectOtherDatabase: Probe = {
  id: 'connect-other-database',
  description: "connect to another tenant's database with the tenant's own role",
  appliesTo: (env) =>
    env.contextKind === 'database' || (env.crossVictim !== null && env.databaseOf(env.crossVictim) !== env.databaseOf(env.self)),
  async run(env) {
    const sql: string[] = [];
    const details: string[] = [];
    let leaked = 0;
    let sqlstate: string | undefined;
    const own = await tryConnect(env.login(env.self));
    if ('client' in own) await own.client.end().catch(() => {});
    for (const [who, whose] of pairs(env)) {
      const db = env.databaseOf(whose);
      const cfg = env.login(who, db);
      sql.push(`-- connect as ${cfg.user} to database ${db}`);
      const r = await tryConnect(cfg);
      if (!('client' in r)) {
        sqlstate ??= r.sqlstate ?? undefined;
        details.push(`${cfg.user} -> ${db}: ${failureText(r)}`);
        continue;
      }
      try {
        const q =
          "SELECT coalesce(sum(reltuples), 0)::bigint::text AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace";
        sql.push(q);
        const est = await r.client.query<{ n: string }>(q);
        if (who.slug !== whose.slug) {
          leaked++;
          details.push(`${cfg.user} connected to ${db}: catalog row estimates readable (${est.rows[0]!.n} rows)`);
        } else {
          details.push(`${cfg.user} -> its own database ${db}: connected`);
        }
      } finally {
        await r.client.end().catch(() => {});
      }
    }
    const expected = 'refused (SQLSTATE 42501: no CONNECT privilege)';
    if (leaked) return observation('leaked', sql, expected, { rowsSeen: 0, detail: details.join('; ') });
    if (!('client' in own))
      return observation('finding', sql, expected, {
        sqlstate,
        detail: `control failed: the tenant cannot log in to its own database (${failureText(own)})`,
      });
    return observation('blocked', sql, expected, { sqlstate, detail: details.join('; ') });
  },
};
