/**
 * How many locks one transaction needs to touch every tenant table of a layout, the way pg_dump of
 * a whole database does (and a naive "migrate every schema in one transaction" would): LOCK TABLE
 * ... IN ACCESS SHARE MODE on each, in one transaction per database, until done or until the
 * server's lock table is full (SQLSTATE 53200: raise max_locks_per_transaction). The transaction
 * is rolled back.
 */
import { connect } from '../../db/client.js';
import { errorMessage, sqlState } from '../../errors.js';
import type { Target } from '../../target/target.js';
import type { TableUnit } from '../../layouts/layout.js';

export interface LockProbe {
  relations: number;
  /** Most pg_locks rows the transaction held (all relations locked, or up to the failure). */
  locksHeld: number;
  /**
   * max_locks_per_transaction * (MaxBackends + max_prepared_transactions), MaxBackends being
   * max_connections + autovacuum_max_workers + 1 + max_worker_processes + max_wal_senders: the slots
   * the shared lock table is sized for. A transaction may get more while spare shared memory lasts.
   */
  nominalCapacity: number | null;
  status: 'ok' | 'lock limit hit' | 'failed';
  sqlstate: string | null;
  error: string | null;
}

export async function lockProbe(target: Target, units: readonly TableUnit[]): Promise<LockProbe> {
  const byDb = new Map<string, string[]>();
  for (const u of units) byDb.set(u.db, [...(byDb.get(u.db) ?? []), u.schema]);
  const out: LockProbe = { relations: 0, locksHeld: 0, nominalCapacity: null, status: 'ok', sqlstate: null, error: null };
  for (const [db, schemas] of byDb) {
    const c = await connect(target.config(db));
    try {
      const cap = await c.query<{ n: string }>(
        `SELECT (current_setting('max_locks_per_transaction')::int * (current_setting('max_connections')::int + current_setting('autovacuum_max_workers')::int + 1
                 + current_setting('max_worker_processes')::int + current_setting('max_wal_senders')::int + current_setting('max_prepared_transactions')::int))::text AS n`,
      );
      out.nominalCapacity = Number(cap.rows[0]!.n);
      const rels = await c.query<{ q: string }>(
        `SELECT format('%I.%I', n.nspname, c.relname) AS q FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') ORDER BY 1`,
        [schemas],
      );
      await c.query('BEGIN');
      let locked = 0;
      try {
        for (const r of rels.rows) {
          await c.query(`LOCK TABLE ${r.q} IN ACCESS SHARE MODE`);
          locked++;
        }
      } catch (err) {
        out.sqlstate = sqlState(err);
        out.error = errorMessage(err);
        out.status = out.sqlstate === '53200' ? 'lock limit hit' : 'failed';
      }
      if (out.status === 'ok') {
        const held = await c.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_locks WHERE pid = pg_backend_pid()');
        out.locksHeld = Math.max(out.locksHeld, Number(held.rows[0]!.n));
      } else {
        out.locksHeld = Math.max(out.locksHeld, locked);
      }
      out.relations += locked;
      await c.query('ROLLBACK').catch(() => {});
      if (out.status !== 'ok') break;
    } finally {
      await c.end().catch(() => {});
    }
  }
  return out;
}
