import { ident } from '../../db/sql.js';
import { failureText, inSession, observation, otherTenants, withIdleSessions } from '../probe-kit.js';
import type { IdleSession } from '../probe-kit.js';
import type { Probe, ProbeEnv } from '../probe.js';
import { loginRole, PER_TENANT_LOGIN, sharedLogin } from './metadata-side-channels.js';

/** The other tier's login (hybrid): what a role-level change of the tier's shared role does not reach. */
function otherTier(env: ProbeEnv): string {
  const c = env.crossVictim;
  if (!c || loginRole(env, c) === loginRole(env, env.self)) return '';
  return `; the other tier's ${c.slug} logs in as its own ${loginRole(env, c)}: out of reach (closed by its own login role)`;
}

/**
 * The login role changes its own role-level settings (ALTER ROLE ... SET, allowed to any role for
 * itself): every later connection of that role starts with them. Tried inside the probe's
 * transaction, which rolls back (ALTER ROLE is transactional).
 */
export const roleSettings: Probe = {
  id: 'role-settings',
  description: 'the application role sets its own role-level defaults (ALTER ROLE ... SET) for every future connection',
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const r = await s.try('ALTER ROLE SESSION_USER SET default_transaction_read_only = on');
      const expected = "refused, or affecting only the tenant's own connections";
      if (!r.ok) return observation('blocked', s.sql, expected, { sqlstate: r.sqlstate ?? undefined, detail: failureText(r) });
      if (!sharedLogin(env))
        return observation('blocked', s.sql, expected, {
          detail: `allowed, but ${loginRole(env, env.self)} logs in for ${env.self.slug} only: the tenant can disrupt itself, no other tenant`,
        });
      return observation('finding', s.sql, expected, {
        detail: `${loginRole(env, env.self)} (the login of every tenant here) may ALTER ROLE itself SET default_transaction_read_only, statement_timeout, row_security...: one tenant's SQL makes every later connection of all tenants read-only or failing (rolled back here). PostgreSQL lets any role set its own defaults. ${PER_TENANT_LOGIN}, or an operator check of pg_db_role_setting${otherTier(env)}`,
      });
    }),
};

/**
 * pg_cancel_backend on other tenants' backends (idle in transaction, so a cancel is harmless): the
 * victim in the tier, and the tenant of another tier when the layout has one (the hybrid's dedicated
 * tier logs in as its own role: refused there even where the pooled tier's one role allows it).
 */
export const cancelOtherTenant: Probe = {
  id: 'cancel-other-tenant',
  description: "cancel another tenant's running statement (pg_cancel_backend on its backend)",
  appliesTo: () => true,
  async run(env) {
    const targets = otherTenants(env);
    // One connection per held session plus the probe's own (a pooled router waits at its max).
    const router = env.newRouter(targets.length + 1);
    try {
      return await withIdleSessions(router, targets, (held) =>
        inSession(
          router,
          env.self,
          async (s) => {
            const expected = 'refused (42501: not a member of the role of that backend)';
            const tried: { h: IdleSession; accepted: boolean; sqlstate?: string; text: string }[] = [];
            for (const h of held) {
              const r = await s.try<{ ok: boolean }>('SELECT pg_catalog.pg_cancel_backend($1) AS ok', [h.pid]);
              const accepted = r.ok && r.rows[0]?.ok === true;
              const text = r.ok ? (accepted ? 'accepted' : 'pg_cancel_backend returned false') : failureText(r);
              tried.push({ h, accepted, sqlstate: r.ok ? undefined : (r.sqlstate ?? undefined), text });
            }
            const [own, ...cross] = tried;
            const crossText = cross
              .map(
                (c) =>
                  `; the other tier's ${c.h.tenant.slug} (login role ${loginRole(env, c.h.tenant)}): ${c.accepted ? 'accepted too' : `${c.text}, closed by its own login role`}`,
              )
              .join('');
            if (!tried.some((t) => t.accepted))
              return observation('blocked', s.sql, expected, { sqlstate: own?.sqlstate, detail: `${own?.text ?? ''}${crossText}` });
            return observation('finding', s.sql, expected, {
              detail: own?.accepted
                ? `cancel of ${env.victim.slug}'s backend ${own.h.pid} accepted (it was idle, so nothing was lost here): SQL of one tenant can cancel (and pg_terminate_backend: end) other tenants' requests, since one login role runs them all (the pid is in pg_stat_activity). ${PER_TENANT_LOGIN}${crossText}`
                : `${own?.text ?? ''}${crossText}`,
            });
          },
          targets.map((t) => `-- ${t.slug}'s session through the router, idle in transaction`),
        ),
      );
    } finally {
      await router.close();
    }
  },
};

/** LOCK a table another tenant's requests use: they wait until the lock holder's transaction ends. */
export const lockSharedTable: Probe = {
  id: 'lock-shared-table',
  description: 'take an exclusive lock on a table other tenants use (LOCK TABLE ... ACCESS EXCLUSIVE)',
  appliesTo: (env) => env.databaseOf(env.victim) === env.databaseOf(env.self),
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const table = env.pooled ? 'orders' : `${ident(env.schemaOf(env.victim))}.orders`;
      await s.run("SET LOCAL lock_timeout = '200ms'");
      const r = await s.try(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE NOWAIT`);
      const expected = "refused: the tenant cannot lock another tenant's tables";
      if (!r.ok) return observation('blocked', s.sql, expected, { sqlstate: r.sqlstate ?? undefined, detail: failureText(r) });
      return observation('finding', s.sql, expected, {
        detail: env.pooled
          ? 'ACCESS EXCLUSIVE on the orders table every tenant shares: all tenants block until the lock holder commits (released at once here). Inherent to shared tables with UPDATE/DELETE granted (LOCK needs only those); bounded by statement_timeout / idle_in_transaction_session_timeout on the role'
          : `ACCESS EXCLUSIVE on ${env.victim.slug}'s own orders table: the login role has privileges on every tenant schema; closes with a role per tenant (layoutOptions.schema.rolePerTenant)`,
      });
    }),
};

/**
 * How many connections one tenant can take: the login role's CONNECTION LIMIT. Shared by the
 * tenants (or unlimited), one tenant can exhaust the server's max_connections for all.
 */
export const connectionLimit: Probe = {
  id: 'connection-limit',
  description: 'connections one tenant can open: the CONNECTION LIMIT of its login role against max_connections',
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const r = await s.run<{ lim: number; max: number }>(
        "SELECT rolconnlimit AS lim, pg_catalog.current_setting('max_connections')::int AS max FROM pg_catalog.pg_roles WHERE rolname = session_user",
      );
      const { lim, max } = r.rows[0] ?? { lim: -1, max: 0 };
      const expected = 'a login role per tenant with a CONNECTION LIMIT below max_connections';
      const role = loginRole(env, env.self);
      if (sharedLogin(env))
        return observation('finding', s.sql, expected, {
          detail: `${role} serves every tenant (CONNECTION LIMIT ${lim}, max_connections ${max}): one tenant's code can open connections until no tenant can connect. ${PER_TENANT_LOGIN} with a CONNECTION LIMIT, or a pooler in front (max_client_conn, per-user pool sizes)${otherTier(env)}`,
        });
      if (lim < 0 || lim >= max)
        return observation('finding', s.sql, expected, {
          detail: `${role} logs in for ${env.self.slug} only but has no CONNECTION LIMIT below max_connections (${lim} / ${max}): the tenant can exhaust the server's connections`,
        });
      return observation('blocked', s.sql, expected, { detail: `${role}: at most ${lim} connections (max_connections ${max})` });
    }),
};
