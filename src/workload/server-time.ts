import type { StatementSnapshot, StatementStats, ExecTime } from '../measure/statement-stats.js';
import { canonicalSql, diffSnapshots } from '../measure/statement-stats.js';
import type { CompiledMix } from './compiled-mix.js';

/**
 * Server execution time in a window from pg_stat_statements: per mix query (by index), and
 * everything else the layout ran (BEGIN, tenant context, COMMIT); reason when not measured.
 */
export interface ServerTime {
  reason: string | null;
  perQuery: ExecTime[];
  other: ExecTime;
}

/** The window's server execution time per mix query (matched by statement text) and for the rest. */
export async function serverTimeOf(stats: StatementStats | string, start: StatementSnapshot | null, mix: CompiledMix): Promise<ServerTime> {
  const none = { calls: 0, totalExecMs: 0 };
  if (typeof stats === 'string') return { reason: stats, perQuery: mix.queries.map(() => ({ ...none })), other: { ...none } };
  try {
    // The server may have gone away or restarted meanwhile (its statistics with it): unknown, not an error.
    const end = start ? await stats.snapshot().catch(() => null) : null;
    if (!start || !end) return { reason: 'not measured: pg_stat_statements snapshot failed', perQuery: [], other: { ...none } };
    const diff = new Map<string, ExecTime>();
    for (const [text, d] of diffSnapshots(start, end)) {
      const k = canonicalSql(text);
      const t = diff.get(k);
      diff.set(k, t ? { calls: t.calls + d.calls, totalExecMs: t.totalExecMs + d.totalExecMs } : d);
    }
    const perQuery = mix.queries.map((q) => {
      const t = { ...none };
      for (const text of new Set(q.texts().map(canonicalSql))) {
        const d = diff.get(text);
        if (!d) continue;
        t.calls += d.calls;
        t.totalExecMs += d.totalExecMs;
        diff.delete(text);
      }
      return t;
    });
    const other = { ...none };
    for (const [text, d] of diff) {
      if (text.includes('pg_stat_statements')) continue; // the snapshots themselves
      other.calls += d.calls;
      other.totalExecMs += d.totalExecMs;
    }
    return { reason: null, perQuery, other };
  } finally {
    await stats.close();
  }
}
