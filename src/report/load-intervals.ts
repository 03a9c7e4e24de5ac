/**
 * The bundle's per-interval CSV (workload-intervals.csv: one row per layout, repeat and interval of
 * the measured window), read for the latency-over-time chart. A bundle without it (older runs,
 * --skip-run) has no such chart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface IntervalRow {
  repeat: number;
  layout: string;
  /** End of the interval, seconds after the measured window began. */
  atS: number;
  ok: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** What a report reads from a bundle besides summary.json and environment.json. */
export interface BundleFiles {
  intervals: IntervalRow[] | null;
}

export const INTERVALS_CSV = 'workload-intervals.csv';

const num = (v: string | undefined): number | null => (v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v));

/** Rows of workload-intervals.csv in the bundle folder; null when the file is absent or has none. */
export function loadIntervals(dir: string): IntervalRow[] | null {
  const path = join(dir, INTERVALS_CSV);
  if (!existsSync(path)) return null;
  // Numbers and layout names only (no quoting), written by run-stage.ts: split, not a CSV library
  // (csv-parse is a dev dependency).
  const [head, ...lines] = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  const keys = (head ?? '').split(',');
  const records = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i] ?? '', v])) as Record<string, string>);
  const rows = records
    .map((r) => ({
      repeat: num(r.repeat) ?? 0,
      layout: r.layout ?? '',
      atS: num(r.at_s) ?? 0,
      ok: num(r.ok) ?? 0,
      p50Ms: num(r.p50_ms),
      p99Ms: num(r.p99_ms),
    }))
    .filter((r) => r.layout);
  return rows.length ? rows : null;
}
