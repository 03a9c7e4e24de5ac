import { assertUuid, literal } from '../../db/sql.js';
import { inSession, observation, otherTenants, withIdleSessions } from '../probe-kit.js';
import type { Probe, ProbeEnv } from '../probe.js';

/** The login role the application uses for a tenant (the role the server authenticates). */
export const loginRole = (env: ProbeEnv, t: ProbeEnv['self']) => String(env.login(t).user);
/** One login role serves both tenants (every layout but a database / login role per tenant). */
export const sharedLogin = (env: ProbeEnv) => loginRole(env, env.self) === loginRole(env, env.victim);
/** What closes the findings of a login role shared by tenants, said alike by every such probe. */
export const PER_TENANT_LOGIN =
  "Inherent to one login role for many tenants (shared, rls, the hybrid's pooled tier, schema without a role per tenant); closes with a login role per tenant (layoutOptions.schema.rolePerTenant, the hybrid's dedicated tier, a database per tenant)";

const pct = (learned: number, truth: number) => (truth ? `${Math.round((100 * Math.abs(learned - truth)) / truth)}%` : 'n/a');

/**
 * The planner and the catalog computed from every tenant's rows, read by SQL running as the
 * application. Pooled tables: the estimate for `tenant_id = <victim>` against the one for the
 * tenant's own id (both most-common values of the same statistics), scaled by the tenant's own row
 * count, gives the victim's row count; pg_class.reltuples gives every tenant's total. Schema per
 * tenant: pg_class (readable by every role) gives the victim schema's table sizes directly.
 * Database per tenant: another database's catalog is out of reach (blocked).
 */
export const plannerStatistics: Probe = {
  id: 'planner-statistics',
  description: "another tenant's row count learned from planner estimates and catalog statistics (EXPLAIN, pg_class.reltuples)",
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const truth = env.victim.counts.orders;
      const expected = "nothing learned about another tenant's data volume";
      if (env.pooled) {
        const est = async (tenantId: string) => {
          const r = await s.try<{ 'QUERY PLAN': unknown }>(
            `EXPLAIN (FORMAT JSON) SELECT id FROM orders WHERE tenant_id = ${literal(assertUuid(tenantId))}`,
          );
          const raw = r.ok ? r.rows[0]?.['QUERY PLAN'] : undefined;
          const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: { 'Plan Rows': number } }] | undefined;
          return plan?.[0]?.Plan['Plan Rows'] ?? 0;
        };
        const own = await s.try<{ n: string }>(
          `SELECT count(*) AS n FROM orders WHERE true${env.appFilter ? ` AND tenant_id = ${literal(assertUuid(env.self.id))}` : ''}`,
        );
        const ownCount = own.ok ? Number(own.rows[0]?.n ?? 0) : 0;
        const [ev, es] = [await est(env.victim.id), await est(env.self.id)];
        const total = await s.try<{ n: number }>("SELECT reltuples::float8 AS n FROM pg_catalog.pg_class WHERE oid = 'orders'::regclass");
        const all = total.ok ? Math.round(Number(total.rows[0]?.n ?? 0)) : 0;
        const learned = es > 0 ? Math.round((ev / es) * ownCount) : 0;
        if (learned <= 0 && all <= 0) return observation('blocked', s.sql, expected, { detail: 'no estimate or statistics reachable' });
        return observation('finding', s.sql, expected, {
          detail:
            `learned ${env.victim.slug} has ~${learned} orders (true ${truth}, off by ${pct(learned, truth)}) from EXPLAIN estimates ` +
            `(${ev} rows for its id against ${es} for the tenant's own ${ownCount}); pg_class.reltuples: ${all} orders across all tenants. ` +
            'Inherent to tables shared by tenants (statistics and reltuples are per table): a schema or a database per tenant separates the counts, only a database per tenant hides them',
        });
      }
      const r = await s.try<{ n: number }>(
        `SELECT c.reltuples::float8 AS n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relname = 'orders' AND n.nspname <> $2`,
        [env.schemaOf(env.victim), env.schemaOf(env.self)],
      );
      const learned = r.ok && r.rows.length ? Math.round(Number(r.rows[0]!.n)) : null;
      if (learned === null || learned < 0)
        return observation('blocked', s.sql, expected, { detail: "another tenant's tables are not in this database's catalog" });
      return observation('finding', s.sql, expected, {
        detail: `pg_class.reltuples of ${env.schemaOf(env.victim)}.orders: ${learned} (true ${truth}): the catalog of one database is readable by every role, whatever the schema privileges; only a database per tenant hides it`,
      });
    }),
};

/**
 * The activity view shows the SQL text of the other sessions of the same login role: a tenant's
 * session reads another tenant's current statement (the router's context call carries its tenant
 * id). The victims' sessions (the victim in the tier, and the tenant of another tier when there is
 * one) are opened through the application's router and left open.
 */
export const activitySqlText: Probe = {
  id: 'activity-sql-text',
  description: "the SQL text of another tenant's session in pg_stat_activity",
  appliesTo: () => true,
  async run(env) {
    const targets = otherTenants(env);
    // One connection per held session plus the probe's own (a pooled router waits at its max).
    const router = env.newRouter(targets.length + 1);
    const marker = (t: ProbeEnv['self']) => `SELECT 'tb-probe-marker ${t.slug}' AS marker`;
    try {
      return await withIdleSessions(
        router,
        targets,
        () =>
          inSession(
            router,
            env.self,
            async (s) => {
              const r = await s.run<{ query: string; usename: string }>(
                'SELECT usename::text AS usename, query FROM pg_catalog.pg_stat_activity WHERE pid <> pg_catalog.pg_backend_pid() AND datname IS NOT NULL',
              );
              const expected = "other tenants' statements hidden (<insufficient privilege>)";
              const seen = (t: ProbeEnv['self']) => r.rows.find((x) => x.query.includes(`tb-probe-marker ${t.slug}`));
              const crossText = targets
                .slice(1)
                .map(
                  (t) =>
                    `; the other tier's ${t.slug} (login role ${loginRole(env, t)}): ${seen(t) ? 'visible too' : 'hidden, closed by its own login role'}`,
                )
                .join('');
              const own = seen(env.victim);
              if (own)
                return observation('finding', s.sql, expected, {
                  detail: `the statement of ${env.victim.slug}'s session is visible (login role ${own.usename}, shared by the tenants): statements carry tenant ids and literals of other tenants. ${PER_TENANT_LOGIN} (the view hides other roles' statements)${crossText}`,
                });
              if (targets.some((t) => seen(t)))
                return observation('finding', s.sql, expected, {
                  detail: `the statement of another tier's session is visible${crossText}`,
                });
              return observation('blocked', s.sql, expected, {
                detail: `${r.rows.length} other sessions listed, none with readable SQL of ${env.victim.slug}${crossText}`,
              });
            },
            targets.map((t) => `-- a session for ${t.slug} through the router, left open: ${marker(t)}`),
          ),
        marker,
      );
    } finally {
      await router.close();
    }
  },
};

/**
 * Cumulative statistics views (pg_stat_user_tables, pg_stat_database) are not filtered by
 * privilege: insert/update/delete counters, scans and live row counts of tables and databases that
 * belong to other tenants.
 */
export const statisticsViews: Probe = {
  id: 'statistics-views',
  description: "another tenant's activity counters in pg_stat_user_tables / pg_stat_database",
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const expected = "no counter of another tenant's tables or database";
      const parts: string[] = [];
      if (env.pooled) {
        const r = await s.try<{ ins: string; live: string }>(
          "SELECT n_tup_ins::text AS ins, n_live_tup::text AS live FROM pg_catalog.pg_stat_user_tables WHERE relid = 'orders'::regclass",
        );
        if (r.ok && r.rows.length)
          parts.push(
            `pg_stat_user_tables for the shared orders table: ${r.rows[0]!.live} live rows, ${r.rows[0]!.ins} inserted (all tenants together; their writes over time are visible)`,
          );
      } else if (env.databaseOf(env.victim) === env.databaseOf(env.self)) {
        const r = await s.try<{ ins: string; live: string }>(
          "SELECT n_tup_ins::text AS ins, n_live_tup::text AS live FROM pg_catalog.pg_stat_user_tables WHERE schemaname = $1 AND relname = 'orders'",
          [env.schemaOf(env.victim)],
        );
        if (r.ok && r.rows.length)
          parts.push(
            `pg_stat_user_tables for ${env.schemaOf(env.victim)}.orders: ${r.rows[0]!.live} live rows (true ${env.victim.counts.orders}), ${r.rows[0]!.ins} inserted`,
          );
      }
      if (env.databaseOf(env.victim) !== env.databaseOf(env.self)) {
        const r = await s.try<{ commits: string; ins: string }>(
          'SELECT xact_commit::text AS commits, tup_inserted::text AS ins FROM pg_catalog.pg_stat_database WHERE datname = $1',
          [env.databaseOf(env.victim)],
        );
        if (r.ok && r.rows.length)
          parts.push(
            `pg_stat_database for ${env.databaseOf(env.victim)}: ${r.rows[0]!.commits} commits, ${r.rows[0]!.ins} rows inserted (its activity over time)`,
          );
      }
      if (!parts.length) return observation('blocked', s.sql, expected, { detail: 'no counter of another tenant reachable' });
      return observation('finding', s.sql, expected, {
        detail: `${parts.join('; ')}. Inherent: PostgreSQL does not filter the statistics views by privilege; the volumes leak, not the rows`,
      });
    }),
};

/**
 * Ids drawn from one counter across tenants: the tenant's own smallest id counts the rows given to
 * other tenants before its first one (the dataset numbers every table's rows globally, tenant after
 * tenant), and gaps between its ids count other tenants' inserts in between.
 */
export const globalIdCounter: Probe = {
  id: 'global-id-counter',
  description: "other tenants' row counts read from the tenant's own ids (one id counter across tenants)",
  appliesTo: () => true,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const r = await s.try<{ lo: string | null; hi: string | null; n: string }>(
        `SELECT min(id)::text AS lo, max(id)::text AS hi, count(*)::text AS n FROM orders WHERE true${env.appFilter ? ` AND tenant_id = ${literal(assertUuid(env.self.id))}` : ''}`,
      );
      const expected = "the tenant's ids say nothing about other tenants";
      if (!r.ok || r.rows[0]?.lo == null) return observation('blocked', s.sql, expected, { detail: 'no ids of its own to read' });
      const [lo, hi, n] = [Number(r.rows[0].lo), Number(r.rows[0].hi), Number(r.rows[0].n)];
      const before = lo - 1;
      const gaps = hi - lo + 1 - n;
      const truth = env.ctx.plan.tenants.filter((t) => t.idStart.orders < env.self.idStart.orders).reduce((a, t) => a + t.counts.orders, 0);
      if (before <= 0 && gaps <= 0) return observation('blocked', s.sql, expected, { detail: 'ids start at 1 and have no gaps' });
      return observation('finding', s.sql, expected, {
        detail: `the tenant's first order id is ${lo}: ${before} orders were numbered for other tenants before it (true ${truth}), and ${gaps} ids inside its own range went to others. Ids come from one counter across tenants (the dataset's global numbering); closes with ids per tenant (a counter per tenant, or random uuids)`,
      });
    }),
};
