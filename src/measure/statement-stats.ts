import { connect } from '../db/client.js';
import type { DbClient } from '../db/types.js';
import createDebug from 'debug';
import type { Target } from '../target/target.js';

const debug = createDebug('tenantbench:statement-stats');

/** Calls and server execution time of a set of statements over a window. */
export interface ExecTime {
  calls: number;
  totalExecMs: number;
}

/** pg_stat_statements rows summed by statement text (over databases and roles). */
export type StatementSnapshot = Map<string, ExecTime>;

const NOT_MEASURED = 'not measured';

/**
 * Server-side execution time from pg_stat_statements (contrib): what the server itself spent per
 * statement, beside the client-side latency. Two snapshots (the window's start and end) are
 * subtracted, so no reset is needed (and nobody else's statistics are wiped). One admin connection
 * is held for the segment, opened before the window: no connection set-up inside it.
 */
export class StatementStats {
  private closed = false;

  private constructor(private readonly client: DbClient) {}

  /**
   * Open on the admin database. The embedded and container targets load the module at start
   * (shared_preload_libraries) and the extension is created here; a server given by URL is used
   * only when the extension already exists there. Otherwise the reason, "not measured: ...".
   */
  static async open(target: Target, serverVersionNum: number): Promise<StatementStats | string> {
    if (serverVersionNum < 130000) return `${NOT_MEASURED}: pg_stat_statements before PostgreSQL 13 has no total_exec_time`;
    let client: DbClient | null = null;
    try {
      client = await connect(target.config(target.admin.database), { ignoreIdleErrors: true });
      const loaded = await client.query<{ on: boolean }>(
        "SELECT 'pg_stat_statements' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) AS on",
      );
      const ext = await client.query<{ installed: boolean; available: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS installed,
                EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available`,
      );
      const { installed, available } = ext.rows[0]!;
      if (!installed && (target.kind === 'url' || !available)) {
        await client.end();
        return `${NOT_MEASURED}: pg_stat_statements not installed`;
      }
      if (!loaded.rows[0]!.on) {
        await client.end();
        return `${NOT_MEASURED}: pg_stat_statements not in shared_preload_libraries`;
      }
      if (!installed) await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      return new StatementStats(client);
    } catch (err) {
      await client?.end().catch(() => {});
      debug('pg_stat_statements unavailable: %s', (err as Error).message);
      return `${NOT_MEASURED}: pg_stat_statements unreadable (${(err as Error).message})`;
    }
  }

  async snapshot(): Promise<StatementSnapshot> {
    const r = await this.client.query<{ query: string; calls: string; total: number }>(
      'SELECT query, sum(calls)::text AS calls, sum(total_exec_time)::float8 AS total FROM pg_stat_statements GROUP BY query',
    );
    const out: StatementSnapshot = new Map();
    for (const row of r.rows) out.set(row.query, { calls: Number(row.calls), totalExecMs: row.total });
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.end().catch(() => {});
  }
}

/** end - start, per statement text (a statement first seen after the start counts from zero). */
export function diffSnapshots(start: StatementSnapshot, end: StatementSnapshot): StatementSnapshot {
  const out: StatementSnapshot = new Map();
  for (const [q, e] of end) {
    const s = start.get(q);
    const calls = e.calls - (s?.calls ?? 0);
    if (calls > 0) out.set(q, { calls, totalExecMs: e.totalExecMs - (s?.totalExecMs ?? 0) });
  }
  return out;
}

/**
 * A statement text with every constant and parameter as `?` and whitespace collapsed: how the
 * client's text and pg_stat_statements' normalized one (constants replaced by $n numbered after
 * the statement's own parameters, surrounding whitespace trimmed) are matched.
 */
export function canonicalSql(text: string): string {
  return text
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
}
