/**
 * The buffer cache's state over a measured window: pg_stat_database's blks_hit and blks_read of
 * the layout's databases, snapshotted at the window's start and end and differenced (no reset:
 * nobody else's statistics are wiped). Hit ratio = hit / (hit + read); bytes read = read x
 * block_size. A "read" is a block PostgreSQL did not find in shared_buffers: it came from the OS
 * page cache or the disk (PostgreSQL cannot tell which).
 *
 * Precision: backends flush their counters to the shared statistics at most once a second
 * (PostgreSQL 15+; earlier, the collector every 0.5 s), so a snapshot misses up to about a second
 * of each connection's activity at either edge: a few percent of a 30-60 s window, nothing of its
 * hit ratio unless the edges differ from the window.
 */
import { connect } from '../db/client.js';
import type { DbClient } from '../db/types.js';
import { errorMessage } from '../errors.js';
import type { Target } from '../target/target.js';
import { type Prewarm, notPrewarmed, prewarmDatabases } from './buffer-prewarm.js';
import type { WarmUpRecord } from './warm-until-stable.js';

export interface BufferCounters {
  blksHit: number;
  blksRead: number;
}

export interface BufferSnapshot extends BufferCounters {
  blockSize: number;
}

export interface CacheWindow extends BufferCounters {
  /** hit / (hit + read); null when no block was touched. */
  hitRatio: number | null;
  bytesRead: number;
}

/** end - start of the layout's databases' counters. */
export function diffBuffers(start: BufferSnapshot, end: BufferSnapshot): CacheWindow {
  const blksHit = Math.max(0, end.blksHit - start.blksHit);
  const blksRead = Math.max(0, end.blksRead - start.blksRead);
  const touched = blksHit + blksRead;
  return { blksHit, blksRead, hitRatio: touched ? blksHit / touched : null, bytesRead: blksRead * end.blockSize };
}

/**
 * A window whose hit ratio differs from the median of the layout's windows by more than this
 * (absolute, 0.02 = 2 points) ran with another cache state than its siblings. The median of all
 * the windows (not of the others) so that one odd window out of three does not drag the reference
 * (with two windows apart by more than twice the bound both are flagged: neither is the odd one).
 * Flagged, not invalid: its latencies were really measured, but comparing it with the others
 * compares cache states as well as layouts.
 */
export const HIT_RATIO_BOUND = 0.02;

/** Per window: why it is flagged, or null. Needs at least two windows with a hit ratio. */
export function flagCacheWindows(ratios: readonly (number | null)[], bound = HIT_RATIO_BOUND): (string | null)[] {
  const known = ratios.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (known.length < 2) return ratios.map(() => null);
  const mid = known.length / 2;
  const median = known.length % 2 ? known[Math.floor(mid)]! : (known[mid - 1]! + known[mid]!) / 2;
  return ratios.map((r) =>
    r !== null && Math.abs(r - median) > bound
      ? `buffer hit ratio ${r.toFixed(3)} differs from the median of the layout's windows (${median.toFixed(3)}) by more than ${bound}`
      : null,
  );
}

/** What one segment recorded: the prewarm, the warm-up and the measured window. */
export interface SegmentCache {
  prewarm: Prewarm;
  warmup: CacheWindow | null;
  window: CacheWindow | null;
  reason: string | null;
  /** Warm-up windows until the hit ratio was stable, run before the segment (workload.warmUntilStable). */
  warmUp?: WarmUpRecord | null;
}

/**
 * One admin connection held for a segment: prewarms the layout's databases, then snapshots at the
 * warm-up's start, the window's start and its end. Every failure becomes a reason, never an
 * exception: the cache figures are context, not the measurement.
 */
export class BufferCacheWatch {
  private readonly marks: Promise<BufferSnapshot | null>[] = [];
  private reason: string | null = null;

  private constructor(
    private readonly client: DbClient | null,
    private readonly databases: readonly string[],
    private readonly prewarm: Prewarm,
    why: string | null,
  ) {
    this.reason = why;
  }

  /**
   * Prewarm `databases` (see buffer-prewarm.ts; `prewarm: false`: a warm-up window after the first,
   * whose cache the window before it just filled), then mark the warm-up's start.
   */
  static async start(target: Target, databases: readonly string[], o: { prewarm?: boolean } = {}): Promise<BufferCacheWatch> {
    const prewarm =
      o.prewarm === false
        ? notPrewarmed('a warm-up window after the first: not prewarmed again')
        : await prewarmDatabases(target, databases);
    try {
      const client = await connect(target.config(target.admin.database), { ignoreIdleErrors: true });
      const w = new BufferCacheWatch(client, databases, prewarm, null);
      w.mark();
      return w;
    } catch (err) {
      return new BufferCacheWatch(null, databases, prewarm, `not measured: pg_stat_database unreadable (${errorMessage(err)})`);
    }
  }

  /** Snapshot now (warm-up start, window start, window end, in that order). */
  mark(): void {
    this.marks.push(
      this.snapshot().catch((err) => {
        this.reason ??= `not measured: ${errorMessage(err)}`;
        return null;
      }),
    );
  }

  private async snapshot(): Promise<BufferSnapshot | null> {
    if (!this.client) return null;
    // A fresh statistics snapshot: with stats_fetch_consistency=snapshot a session would see the old one.
    await this.client.query('SELECT pg_stat_clear_snapshot()');
    const r = await this.client.query<{ hit: string | null; read: string | null; bs: number }>(
      `SELECT sum(blks_hit)::text AS hit, sum(blks_read)::text AS read, current_setting('block_size')::int AS bs
         FROM pg_stat_database WHERE datname = ANY ($1)`,
      [this.databases],
    );
    const row = r.rows[0]!;
    return { blksHit: Number(row.hit ?? 0), blksRead: Number(row.read ?? 0), blockSize: row.bs };
  }

  /** The segment's figures; closes the connection. */
  async finish(): Promise<SegmentCache> {
    const [w0, m0, m1] = await Promise.all(this.marks);
    await this.close();
    const diff = (a: BufferSnapshot | null | undefined, b: BufferSnapshot | null | undefined) => (a && b ? diffBuffers(a, b) : null);
    const window = diff(m0, m1);
    return {
      prewarm: this.prewarm,
      warmup: diff(w0, m0),
      window,
      reason: window ? null : (this.reason ?? 'not measured: the window did not complete'),
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.marks);
    await this.client?.end().catch(() => {});
  }
}
