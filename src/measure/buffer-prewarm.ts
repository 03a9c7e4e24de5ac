/**
 * Warm a layout's tables and indexes before its warm-up, so every layout starts its measured
 * window from the same cache state instead of whatever the layout before it left behind.
 *
 * pg_prewarm (contrib) reads every block of every relation of the layout's databases:
 * - into shared_buffers ('buffer') when the working set fits in them (then the window runs warm);
 * - through the OS page cache ('read') when it fits in effective_cache_size (the planner's estimate
 *   of shared_buffers + OS cache) but not in shared_buffers;
 * - not at all when it fits in neither: reading it all would only evict itself; the workload's
 *   warm-up (warmupSeconds) is then the whole warm-up, and the report says so.
 * The extension is created for the call and dropped again, so the layout's databases (and their
 * backups) stay as the seed left them.
 */
import { withAdmin } from '../db/client.js';
import { errorMessage } from '../errors.js';
import type { Target } from '../target/target.js';

export interface Prewarm {
  mode: 'buffer' | 'read' | 'none';
  /** Tables, indexes and TOAST of the layout's databases (catalogs excluded), bytes. */
  workingSetBytes: number | null;
  sharedBuffersBytes: number | null;
  effectiveCacheBytes: number | null;
  blocks: number;
  seconds: number;
  /** Why nothing (or not everything) was prewarmed; null when it was. */
  reason: string | null;
}

const RELATIONS = `FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'i', 't', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`;

/** Nothing prewarmed, with why. */
export function notPrewarmed(reason: string | null): Prewarm {
  return { mode: 'none', workingSetBytes: null, sharedBuffersBytes: null, effectiveCacheBytes: null, blocks: 0, seconds: 0, reason };
}

export async function prewarmDatabases(target: Target, databases: readonly string[]): Promise<Prewarm> {
  const t0 = performance.now();
  const out = notPrewarmed(null);
  try {
    let bytes = 0;
    for (const db of databases) {
      bytes += await withAdmin(target, db, async (c) => {
        const r = await c.query<{ bytes: string | null }>(`SELECT sum(pg_relation_size(c.oid))::text AS bytes ${RELATIONS}`);
        return Number(r.rows[0]?.bytes ?? 0);
      });
    }
    out.workingSetBytes = bytes;
    const s = await withAdmin(target, target.admin.database, (c) =>
      c.query<{ sb: string; ec: string }>(
        `SELECT (SELECT setting::bigint * current_setting('block_size')::bigint FROM pg_settings WHERE name = 'shared_buffers')::text AS sb,
                (SELECT setting::bigint * current_setting('block_size')::bigint FROM pg_settings WHERE name = 'effective_cache_size')::text AS ec`,
      ),
    );
    out.sharedBuffersBytes = Number(s.rows[0]!.sb);
    out.effectiveCacheBytes = Number(s.rows[0]!.ec);
    // Leave a quarter of shared_buffers to the catalogs, the WAL of writes and other databases.
    const mode = bytes <= out.sharedBuffersBytes * 0.75 ? 'buffer' : bytes <= out.effectiveCacheBytes * 0.75 ? 'read' : 'none';
    if (mode === 'none') {
      out.reason = `working set ${mb(bytes)} does not fit in the OS cache estimate (effective_cache_size ${mb(out.effectiveCacheBytes)}): not prewarmed, the time warm-up only`;
      return out;
    }
    for (const db of databases) {
      out.blocks += await withAdmin(target, db, async (c) => {
        const had = await c.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm'");
        if (!had.rowCount) await c.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm');
        try {
          const r = await c.query<{ blocks: string | null }>(`SELECT sum(pg_prewarm(c.oid, $1))::text AS blocks ${RELATIONS}`, [mode]);
          return Number(r.rows[0]?.blocks ?? 0);
        } finally {
          if (!had.rowCount) await c.query('DROP EXTENSION IF EXISTS pg_prewarm');
        }
      });
    }
    out.mode = mode;
    if (mode === 'read') {
      out.reason = `working set ${mb(bytes)} exceeds shared_buffers (${mb(out.sharedBuffersBytes)}): read through the OS cache only`;
    }
  } catch (err) {
    out.reason = `not prewarmed: ${errorMessage(err)}`;
  } finally {
    out.seconds = (performance.now() - t0) / 1000;
  }
  return out;
}

const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
