import { assertUuid, literal } from '../../db/sql.js';
import { inSession, observation } from '../probe-kit.js';
import { foreignRows, ownerCols } from '../probe.js';
import type { Observation, Probe, ProbeEnv } from '../probe.js';

/** What request 2 (another tenant, same connection) found of request 1's state. */
interface Found {
  present: boolean;
  /** The state changed what request 2's own statements do (a captured name), or handed it foreign rows. */
  harmful: boolean;
  rowsSeen?: number;
  detail: string;
}

interface Kind {
  id: string;
  what: string;
  /** Statements request 1 runs (as `self`) to leave the state on the connection. */
  leave(env: ProbeEnv): string[];
  /** Run in request 2 (as the victim, through the same router): what survived. */
  check(env: ProbeEnv, q: (sql: string) => Promise<Record<string, unknown>[] | null>): Promise<Found>;
  /** Why surviving state of this kind matters (the finding's text when not harmful by itself). */
  risk: string;
}

const present = async (q: (sql: string) => Promise<Record<string, unknown>[] | null>, sql: string) =>
  (await q(`SELECT (${sql}) AS p`))?.[0]?.p === true;

/** A temporary relation named like the application's table: `pg_temp` comes first in the default search path. */
function tempRelation(kind: 'TABLE' | 'VIEW'): Kind['check'] {
  return async (_env, q) => {
    const r = await q(
      `SELECT pg_catalog.to_regclass('pg_temp.orders') IS NOT NULL AS present,
              pg_catalog.to_regclass('orders') IS NOT DISTINCT FROM pg_catalog.to_regclass('pg_temp.orders') AS captured`,
    );
    const p = r?.[0]?.present === true;
    const captured = p && r?.[0]?.captured === true;
    return {
      present: p,
      harmful: captured,
      detail: captured
        ? `request 2 resolves its table "orders" to request 1's temporary ${kind.toLowerCase()}: its reads come from the other tenant's object and its writes land where that tenant reads them`
        : `request 1's temporary ${kind.toLowerCase()} survived on the connection (not shadowing: pg_temp is last in the search path)`,
    };
  };
}

const KINDS: Kind[] = [
  {
    id: 'temp-table',
    what: 'a temporary table named like the application table',
    leave: () => ['CREATE TEMP TABLE orders (id bigint, tenant_id text)'],
    check: tempRelation('TABLE'),
    risk: 'a temporary table shadows the application table for the next request on the connection',
  },
  {
    id: 'temp-view',
    what: 'a temporary view named like the application table',
    leave: () => ['CREATE TEMP VIEW orders AS SELECT 0::bigint AS id'],
    check: tempRelation('VIEW'),
    risk: 'a temporary view shadows the application table for the next request on the connection',
  },
  {
    id: 'temp-function',
    what: 'a temporary function',
    leave: () => ["CREATE FUNCTION pg_temp.tb_probe_fn() RETURNS int LANGUAGE sql AS 'SELECT 1'"],
    check: async (_env, q) => {
      const p = await present(
        q,
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc WHERE pronamespace = pg_catalog.pg_my_temp_schema() AND proname = 'tb_probe_fn')",
      );
      return { present: p, harmful: false, detail: "request 1's temporary function survived on the connection" };
    },
    risk: 'a temporary function of one tenant is callable (pg_temp.name) in the next tenant request',
  },
  {
    id: 'temp-sequence',
    what: 'a temporary sequence',
    leave: () => ['CREATE TEMP SEQUENCE tb_probe_seq', "SELECT pg_catalog.nextval('pg_temp.tb_probe_seq')"],
    check: async (_env, q) => {
      const p = await present(q, "SELECT pg_catalog.to_regclass('pg_temp.tb_probe_seq') IS NOT NULL");
      return { present: p, harmful: false, detail: "request 1's temporary sequence survived on the connection" };
    },
    risk: 'a temporary sequence of one tenant survives into the next tenant request',
  },
  {
    id: 'setting',
    what: 'session-level settings (read-only default, a custom marker)',
    leave: () => [
      "SELECT pg_catalog.set_config('tb.probe_marker', 'left by request 1', false)",
      "SELECT pg_catalog.set_config('default_transaction_read_only', 'on', false)",
    ],
    check: async (_env, q) => {
      const r = await q(
        "SELECT pg_catalog.current_setting('tb.probe_marker', true) AS marker, pg_catalog.current_setting('default_transaction_read_only') AS ro",
      );
      const marker = r?.[0]?.marker;
      const p = (typeof marker === 'string' && marker !== '') || r?.[0]?.ro === 'on';
      return {
        present: p,
        harmful: false,
        detail: `marker=${JSON.stringify(marker ?? null)}, default_transaction_read_only=${r?.[0]?.ro}`,
      };
    },
    risk: "session settings of one tenant's request apply to the next tenant's requests (read-only, timeouts, search_path, row_security)",
  },
  {
    id: 'prepared-statement',
    what: 'a statement prepared with SQL PREPARE',
    leave: () => ['PREPARE tb_probe_stmt AS SELECT 1'],
    check: async (_env, q) => {
      const p = await present(q, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_prepared_statements WHERE name = 'tb_probe_stmt')");
      return { present: p, harmful: false, detail: "request 1's prepared statement survived on the connection" };
    },
    risk: "a prepared statement survives: one named like an application statement (DEALLOCATE + PREPARE) runs the other tenant's SQL inside the next request",
  },
  {
    id: 'cursor-with-hold',
    what: "a cursor WITH HOLD over the tenant's own orders",
    leave: (env) => [
      `DECLARE tb_probe_cur CURSOR WITH HOLD FOR SELECT ${ownerCols(env.pooled)} FROM orders${env.appFilter ? ` WHERE tenant_id = ${literal(assertUuid(env.self.id))}` : ''}`,
    ],
    check: async (env, q) => {
      const p = await present(q, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_cursors WHERE name = 'tb_probe_cur')");
      if (!p) return { present: false, harmful: false, detail: 'no cursor left' };
      const rows = (await q('FETCH ALL FROM tb_probe_cur')) ?? [];
      // Request 2 plays the victim: rows that are not the victim's came from request 1's tenant.
      const seen = foreignRows({ ...env, self: env.victim }, 'orders', rows as { id?: unknown; tenant_id?: unknown }[]);
      return {
        present: true,
        harmful: seen > 0,
        rowsSeen: seen,
        detail: `request 2 fetched ${seen} rows of ${env.self.slug} from request 1's cursor`,
      };
    },
    risk: "a cursor WITH HOLD hands one tenant's rows to the next tenant's request",
  },
  {
    id: 'advisory-lock',
    what: 'a session-level advisory lock',
    leave: () => ['SELECT pg_catalog.pg_advisory_lock(7140014)'],
    check: async (_env, q) => {
      const p = await present(
        q,
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND pid = pg_catalog.pg_backend_pid() AND objid = 7140014 AND granted)",
      );
      return { present: p, harmful: false, detail: "request 1's advisory lock is still held by the connection" };
    },
    risk: 'a session advisory lock outlives the request that took it: whoever waits for it is blocked until the pooled connection closes',
  },
  {
    id: 'listen',
    what: 'LISTEN on a channel',
    leave: () => ['LISTEN tb_probe_channel'],
    check: async (_env, q) => {
      const p = await present(q, "SELECT 'tb_probe_channel' = ANY (ARRAY(SELECT pg_catalog.pg_listening_channels()))");
      return { present: p, harmful: false, detail: "request 1's LISTEN is still active on the connection" };
    },
    risk: "notifications for one tenant's request keep arriving on the connection while it serves other tenants",
  },
];

/**
 * Pooled-connection poisoning by one kind of session state that survives COMMIT: request 1 (this
 * tenant, as the application: its router, its role) leaves the state and ends normally; request 2
 * (another tenant) gets the same connection from a one-connection router and looks for it.
 * blocked: refused (no privilege), or gone (the router reset or replaced the connection); LEAKED:
 * it captures request 2's statements or hands it foreign rows; finding: it survived.
 */
function poolResidue(k: Kind): Probe {
  return {
    id: `pool-residue-${k.id}`,
    description: `${k.what} left by one request on a pooled connection, looked for by the next request (another tenant)`,
    appliesTo: () => true,
    async run(env): Promise<Observation> {
      const router = env.newRouter(1);
      const sql: string[] = [`-- request 1, for ${env.self.slug}`];
      const expected = "refused, or gone when the connection serves the next tenant's request";
      try {
        const first = await router.acquire(env.self);
        let pid1: number;
        try {
          pid1 = Number((await first.query('SELECT pg_catalog.pg_backend_pid() AS pid')).rows[0]?.pid);
          for (const stmt of k.leave(env)) {
            sql.push(stmt);
            try {
              await first.query(stmt);
            } catch (err) {
              await first.release(err);
              const e = err as { code?: string; message?: string };
              return observation('blocked', sql, expected, { sqlstate: e.code, detail: `request 1 was refused: ${e.message}` });
            }
          }
          await first.release();
        } catch (err) {
          await first.release(err).catch(() => {});
          throw err;
        }
        sql.push(`-- COMMIT, connection back to the pool; request 2, for ${env.victim.slug}`);
        return await inSession(
          router,
          env.victim,
          async (s) => {
            const pid2 = Number((await s.run('SELECT pg_catalog.pg_backend_pid() AS pid')).rows[0]?.pid);
            if (pid2 !== pid1)
              return observation('blocked', s.sql, expected, {
                detail: `request 2 got another connection (backend ${pid2}, not ${pid1}): the router closed that connection (state it cannot reset) or keeps connections per tenant`,
              });
            const found = await k.check(env, async (text) => {
              const r = await s.try(text);
              return r.ok ? r.rows : null;
            });
            if (!found.present) return observation('blocked', s.sql, expected, { detail: 'nothing of request 1 left on the connection' });
            const observed = { ...(found.rowsSeen ? { rowsSeen: found.rowsSeen } : {}) };
            const fix = 'the router must reset the connection on release (see RESET_ON_RELEASE)';
            return found.harmful
              ? observation('leaked', s.sql, expected, { ...observed, detail: `${found.detail}; ${fix}` })
              : observation('finding', s.sql, expected, { ...observed, detail: `${found.detail}: ${k.risk}; ${fix}` });
          },
          sql,
        );
      } finally {
        await router.close();
      }
    },
  };
}

export const poolResidueProbes: readonly Probe[] = KINDS.map(poolResidue);
