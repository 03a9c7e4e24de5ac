import { tQuantile } from './t-quantile.js';

/**
 * The verdict on one metric from paired A/B windows. Each pair i (an A window and a B window run
 * back to back, same request stream) gives d_i = ln(B_i / A_i); the interval is a paired Student-t
 * interval on the mean of the d_i, turned back into a ratio B/A (the geometric mean ratio).
 *
 * Why a t-interval on log ratios, not a bootstrap over pairs: a gate runs 5-15 pairs, and a
 * bootstrap over so few pairs is too narrow (it cannot see beyond the spread of the pairs it has:
 * with 6 pairs its 95% interval covers ~85%); the t-interval widens for small n as it should. The
 * pairing cancels what both windows of a pair share (the machine's load at that moment, the cache),
 * and the log makes a ratio symmetric (x2 and /2 are equally far from 1) and its spread roughly
 * normal. Windows in one pair are adjacent in time and their order alternates (ABBA), so a drift
 * over the run does not favour a side.
 */
export type Worse = 'higher' | 'lower';

export type AbVerdictKind =
  | 'regression'
  | 'inconclusive'
  | 'within threshold'
  | 'no measurable difference'
  | 'improvement'
  | 'cannot compare';

export interface PairedVerdict {
  verdict: AbVerdictKind;
  /** Pairs with a value on both sides (the others are left out, see reason). */
  pairs: number;
  /** Geometric mean ratio B/A and its interval; null when fewer than 3 pairs. */
  ratio: number | null;
  lo: number | null;
  hi: number | null;
  /** Pairs that would settle an inconclusive verdict at the observed mean and spread; null otherwise or when more than MAX_PAIRS. */
  pairsNeeded: number | null;
  /** Why there is no verdict, or why pairsNeeded is null for an inconclusive one. */
  reason: string | null;
}

export interface VerdictOptions {
  /** Allowed change before a regression, as a fraction (0.1 = 10%): ratio above 1.1 for latencies, below 0.9 for throughput. */
  threshold: number;
  /** Two-sided confidence of the interval (0.95). */
  confidence: number;
}

export const MIN_PAIRS = 3;
const MAX_PAIRS = 1000;

/** The verdict on one metric from its pairs (a = A's value, b = B's; null = not measured in that window). */
export function pairedVerdict(values: readonly { a: number | null; b: number | null }[], worse: Worse, o: VerdictOptions): PairedVerdict {
  const d = values.filter((v) => v.a !== null && v.b !== null && v.a > 0 && v.b > 0).map((v) => Math.log(v.b! / v.a!));
  const empty = { pairs: d.length, ratio: null, lo: null, hi: null, pairsNeeded: null };
  if (d.length < MIN_PAIRS) {
    return {
      verdict: 'cannot compare',
      ...empty,
      reason: `${d.length} pair(s) with a value on both sides, at least ${MIN_PAIRS} needed (${values.length - d.length} left out: a window without this metric, invalid or with no request of it)`,
    };
  }
  const n = d.length;
  const mean = d.reduce((x, y) => x + y, 0) / n;
  const sd = Math.sqrt(d.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1));
  const q = tQuantile(1 - (1 - o.confidence) / 2, n - 1);
  const half = (q * sd) / Math.sqrt(n);
  // In the "worse" orientation (positive = worse), the bound a regression must clear entirely.
  const sign = worse === 'higher' ? 1 : -1;
  const bound = worse === 'higher' ? Math.log(1 + o.threshold) : -Math.log(1 - o.threshold);
  const m = sign * mean;
  const [lo, hi] = [m - half, m + half];
  let verdict: AbVerdictKind;
  if (lo > bound) verdict = 'regression';
  else if (hi > bound) verdict = 'inconclusive';
  else if (lo > 0) verdict = 'within threshold';
  else if (hi < 0) verdict = 'improvement';
  else verdict = 'no measurable difference';
  let pairsNeeded: number | null = null;
  let reason: string | null = null;
  if (verdict === 'inconclusive') {
    pairsNeeded = pairsToSettle(Math.abs(m - bound), sd, o.confidence, n);
    if (pairsNeeded === null) reason = `the observed change sits on the threshold: more than ${MAX_PAIRS} pairs would be needed`;
  }
  return {
    verdict,
    pairs: n,
    ratio: Math.exp(mean),
    lo: Math.exp(mean - half),
    hi: Math.exp(mean + half),
    pairsNeeded,
    reason,
  };
}

/**
 * The smallest pair count whose interval half-width t(n-1) * sd / sqrt(n) falls below `gap` (the
 * distance of the observed mean from the threshold), assuming the mean and spread stay as observed.
 */
export function pairsToSettle(gap: number, sd: number, confidence: number, from: number): number | null {
  for (let n = Math.max(MIN_PAIRS, from + 1); n <= MAX_PAIRS; n++) {
    if ((tQuantile(1 - (1 - confidence) / 2, n - 1) * sd) / Math.sqrt(n) < gap) return n;
  }
  return null;
}
