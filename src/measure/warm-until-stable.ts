/**
 * Warm a layout until its buffer hit ratio is stable (issue 13, the cache protocol): warm-up windows
 * of the workload run back to back until two successive windows' hit ratios differ by at most
 * `stableWithinPoints` percentage points, bounded by `maxWindows` (so at most maxWindows x
 * windowSeconds of load, plus each window's set-up). pg_prewarm alone fills shared_buffers when the
 * working set fits; where it does not, these windows are the warm-up, and their count and length
 * are recorded. Pure: the caller runs a window and returns its hit ratio.
 */
import type { WarmUntilStable } from '../config/warm-up-schema.js';

export interface WarmUpRecord {
  /** Warm-up windows run. */
  windows: number;
  /** Each window's buffer hit ratio (null: no block touched, or not readable). */
  hitRatios: (number | null)[];
  /** The last two windows were within the bound. */
  stable: boolean;
  /** The last window's hit ratio. */
  finalHitRatio: number | null;
  /** Wall clock of the warm-up windows, set-up included, s. */
  seconds: number;
  windowSeconds: number;
  stableWithinPoints: number;
  maxWindows: number;
}

/** Whether the last two hit ratios are known and within `points` percentage points of each other. */
export function isStable(ratios: readonly (number | null)[], points: number): boolean {
  if (ratios.length < 2) return false;
  const a = ratios[ratios.length - 2];
  const b = ratios[ratios.length - 1];
  // A float epsilon so that exactly `points` apart counts as within.
  return a !== null && a !== undefined && b !== null && b !== undefined && Math.abs(a - b) * 100 <= points + 1e-9;
}

/** Run `window` (one warm-up window, resolving to its hit ratio) until stable or maxWindows. */
export async function warmUntilStable(
  window: (index: number) => Promise<number | null>,
  cfg: WarmUntilStable,
  now: () => number = () => performance.now(),
): Promise<WarmUpRecord> {
  const t0 = now();
  const hitRatios: (number | null)[] = [];
  while (hitRatios.length < cfg.maxWindows && !isStable(hitRatios, cfg.stableWithinPoints)) {
    hitRatios.push(await window(hitRatios.length));
  }
  return {
    windows: hitRatios.length,
    hitRatios,
    stable: isStable(hitRatios, cfg.stableWithinPoints),
    finalHitRatio: hitRatios.at(-1) ?? null,
    seconds: (now() - t0) / 1000,
    windowSeconds: cfg.windowSeconds,
    stableWithinPoints: cfg.stableWithinPoints,
    maxWindows: cfg.maxWindows,
  };
}

/** "hit ratio 99.80% after 2 warm-up windows (7 s)" or "did not stabilise within 6 windows (24 s): last 97.10%". */
export function describeWarmUp(r: WarmUpRecord): string {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
  const s = `${r.seconds.toFixed(0)} s`;
  return r.stable
    ? `hit ratio ${pct(r.finalHitRatio)} after ${r.windows} warm-up window(s) of ${r.windowSeconds} s (${s})`
    : `did not stabilise within ${r.maxWindows} warm-up windows of ${r.windowSeconds} s (${s}; within ${r.stableWithinPoints} points): last ${pct(r.finalHitRatio)}`;
}
