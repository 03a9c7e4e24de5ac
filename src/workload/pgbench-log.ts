import { LatencyHistogram } from '../measure/latency-histogram.js';

/** pgbench's per-transaction log (-l), read into the same HdrHistograms as the harness's own. */
export interface PgbenchLog {
  /**
   * Latency of each completed transaction, ms. Under --rate pgbench measures it from the
   * transaction's *scheduled* start (so it includes the schedule lag): the same basis as the open
   * loop's intended-start response time; without --rate, from its actual start (closed loop).
   */
  readonly response: LatencyHistogram;
  /** --rate only: scheduled start to actual start, ms (pgbench's own lateness). */
  readonly scheduleLag: LatencyHistogram;
  /** Transactions per script number (the scripts map to tenants and queries). */
  readonly perScript: Map<number, LatencyHistogram>;
  ok: number;
  /** Transactions that failed (pgbench 15+: "failed"). */
  failed: number;
  /** Failed transactions per script number. */
  readonly failedPerScript: Map<number, number>;
  /** Transactions skipped because they were already later than --latency-limit. */
  skipped: number;
  /** Lines that were not a transaction record (reported, never guessed at). */
  malformed: number;
  /** Epoch seconds (with µs) of the first and last completion seen; null when none. */
  firstAt: number | null;
  lastAt: number | null;
}

export function emptyPgbenchLog(): PgbenchLog {
  return {
    response: new LatencyHistogram(),
    scheduleLag: new LatencyHistogram(),
    perScript: new Map(),
    ok: 0,
    failed: 0,
    failedPerScript: new Map(),
    skipped: 0,
    malformed: 0,
    firstAt: null,
    lastAt: null,
  };
}

/**
 * Add one log file's text. Each line (pgbench 13-17, no --aggregate-interval):
 * `client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]`, time and
 * schedule_lag in µs; `time` is `skipped` or `failed` for a transaction that did not complete.
 * Only completions with time_epoch at or after `fromEpochS` count (a warm-up inside the same run).
 */
export function addPgbenchLog(into: PgbenchLog, text: string, opts: { rate: boolean; fromEpochS?: number } = { rate: false }): PgbenchLog {
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split(' ');
    if (f.length < 6) {
      into.malformed++;
      continue;
    }
    const at = Number(f[4]) + Number(f[5]) / 1e6;
    if (!Number.isFinite(at)) {
      into.malformed++;
      continue;
    }
    if (opts.fromEpochS !== undefined && at < opts.fromEpochS) continue;
    const time = f[2]!;
    if (time === 'skipped') {
      into.skipped++;
      continue;
    }
    if (time === 'failed') {
      into.failed++;
      into.failedPerScript.set(Number(f[3]), (into.failedPerScript.get(Number(f[3])) ?? 0) + 1);
      continue;
    }
    const us = Number(time);
    if (!Number.isFinite(us)) {
      into.malformed++;
      continue;
    }
    into.ok++;
    into.response.recordMs(us / 1000);
    const script = Number(f[3]);
    let h = into.perScript.get(script);
    if (!h) {
      h = new LatencyHistogram();
      into.perScript.set(script, h);
    }
    h.recordMs(us / 1000);
    if (opts.rate && f.length >= 7) {
      const lag = Number(f[6]);
      if (Number.isFinite(lag)) into.scheduleLag.recordMs(lag / 1000);
    }
    into.firstAt = into.firstAt === null ? at : Math.min(into.firstAt, at);
    into.lastAt = into.lastAt === null ? at : Math.max(into.lastAt, at);
  }
  return into;
}
