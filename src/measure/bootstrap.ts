/**
 * Confidence intervals for latency percentiles: a moving-block bootstrap over the measured
 * intervals (workload.intervalSeconds, 1 s by default), never over individual requests.
 *
 * Why blocks of intervals and not requests: latencies of neighbouring requests are correlated
 * (a checkpoint, an autovacuum, a cache miss burst or a queue slows every request for a while).
 * Resampling requests one by one treats 10,000 requests as 10,000 independent draws and gives an
 * interval several times too narrow under that correlation; resampling whole runs of consecutive
 * intervals keeps the correlation inside a block, so the interval reflects how much the percentile
 * really moves from one stretch of time to the next. Blocks are L consecutive intervals of one
 * measured window (never across repeats), L = round(n^(1/3)) for n intervals per window (the usual
 * rate for block length); blocks of every window (repeat) are pooled, so a repeat that differs
 * from the others (another cache state) widens the interval instead of being averaged away.
 *
 * Deterministic: the resampling is driven by mulberry32 from a seed (seed/prng.ts).
 */
import { mulberry32 } from '../../seed/prng.js';

/** One measured interval of one query: latency (µs, quantized by quantizeUs) -> count. */
export type IntervalCounts = ReadonlyMap<number, number>;

/**
 * A latency in µs rounded to 8 significant binary digits (within 0.4%, exact below 256 µs): far
 * finer than any interval it feeds, and coarse enough that an interval of thousands of requests
 * keeps a few hundred distinct values (memory per interval bounded, resampling fast).
 */
export function quantizeUs(us: number): number {
  const v = Math.max(1, Math.round(us));
  if (v < 256) return v;
  const step = 2 ** (Math.floor(Math.log2(v)) - 7);
  return Math.round(v / step) * step;
}

/** Record one latency (ms) into an interval's counts. */
export function recordInto(counts: Map<number, number>, ms: number): void {
  const k = quantizeUs(ms * 1000);
  counts.set(k, (counts.get(k) ?? 0) + 1);
}

export interface BootstrapOptions {
  /** Percentiles, 0-100. */
  percentiles: readonly number[];
  /** Resamples (1,000 by default: the 2.5% and 97.5% points then rest on 25 replicates each). */
  resamples?: number;
  seed: number;
  /** Intervals per block; default round(n^(1/3)) for n intervals per window. */
  blockLength?: number;
}

export interface PercentileInterval {
  /** The percentile of all the data (ms), the same rule as HdrHistogram's getValueAtPercentile. */
  estimateMs: number;
  /** 95% percentile-bootstrap interval (ms): the 2.5th and 97.5th percentiles of the replicates. */
  loMs: number;
  hiMs: number;
  /** Standard deviation of ln(replicate): combines two independent intervals (ratioInterval). */
  logSe: number;
}

export interface BootstrapResult {
  intervals: (PercentileInterval | null)[];
  blocks: number;
  blockLength: number;
  resamples: number;
}

/** Fewer candidate blocks than this and the bootstrap cannot show how the percentile moves. */
export const MIN_BLOCKS = 4;
/**
 * Fewer requests than this beyond a percentile (count x (1 - p)) and no interval: the bootstrap of
 * an extreme quantile resting on a handful of tail values is known to be far too narrow (it can
 * only reshuffle the few values it saw). P99 thus needs at least 1,000 requests.
 */
export const MIN_TAIL = 10;
const CONFIDENCE = 0.95;
/** The standard normal quantile for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** Index of the value at percentile p in cumulative counts (HdrHistogram's rule: at least ceil(p% of n)). */
function percentileIndex(counts: Float64Array, total: number, p: number): number {
  const target = Math.max(1, Math.ceil((p / 100) * total - 1e-9));
  let acc = 0;
  for (let i = 0; i < counts.length; i++) {
    acc += counts[i]!;
    if (acc >= target) return i;
  }
  return counts.length - 1;
}

function quantileOfSorted(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Intervals for the given percentiles from `windows` (one array of interval counts per measured
 * window, in time order). Null per percentile when there are fewer than MIN_BLOCKS blocks, or
 * fewer than MIN_TAIL requests beyond the percentile.
 */
export function blockBootstrap(windows: readonly (readonly IntervalCounts[])[], o: BootstrapOptions): BootstrapResult {
  const resamples = o.resamples ?? 1000;
  const used = windows.filter((w) => w.length > 0);
  const meanLength = used.reduce((a, w) => a + w.length, 0) / Math.max(1, used.length);
  const blockLength = Math.max(1, o.blockLength ?? Math.round(Math.cbrt(meanLength)));
  const none = (blocks: number): BootstrapResult => ({ intervals: o.percentiles.map(() => null), blocks, blockLength, resamples });
  // Dense value index over every distinct latency; each interval as (index, count) pairs.
  const values = [...new Set(used.flatMap((w) => w.flatMap((c) => [...c.keys()])))].sort((a, b) => a - b);
  if (!values.length) return none(0);
  const indexOf = new Map(values.map((v, i) => [v, i]));
  const flat = (c: IntervalCounts) => {
    const idx = new Int32Array(c.size);
    const cnt = new Float64Array(c.size);
    let i = 0;
    for (const [v, n] of c) {
      idx[i] = indexOf.get(v)!;
      cnt[i++] = n;
    }
    return { idx, cnt };
  };
  // Candidate blocks: every run of blockLength consecutive intervals inside one window, as the
  // index of its first interval in `ints`.
  const ints: { idx: Int32Array; cnt: Float64Array }[] = [];
  const blockStarts: number[] = [];
  for (const w of used) {
    const first = ints.length;
    for (const c of w) ints.push(flat(c));
    for (let s = 0; s + blockLength <= w.length; s++) blockStarts.push(first + s);
  }
  if (blockStarts.length < MIN_BLOCKS) return none(blockStarts.length);
  const draws = Math.max(1, Math.round(ints.length / blockLength));
  const all = new Float64Array(values.length);
  let allTotal = 0;
  for (const it of ints) {
    for (let k = 0; k < it.idx.length; k++) {
      all[it.idx[k]!]! += it.cnt[k]!;
      allTotal += it.cnt[k]!;
    }
  }
  const rand = mulberry32(o.seed);
  const counts = new Float64Array(values.length);
  // How many times each interval is in the resample: an interval drawn twice is added once, twice over.
  const times = new Float64Array(ints.length);
  const reps: number[][] = o.percentiles.map(() => []);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    times.fill(0);
    for (let d = 0; d < draws; d++) {
      const b = blockStarts[Math.floor(rand() * blockStarts.length)]!;
      for (let j = b; j < b + blockLength; j++) times[j]!++;
    }
    let total = 0;
    for (let j = 0; j < ints.length; j++) {
      const m = times[j]!;
      if (m === 0) continue;
      const it = ints[j]!;
      for (let k = 0; k < it.idx.length; k++) {
        counts[it.idx[k]!]! += m * it.cnt[k]!;
        total += m * it.cnt[k]!;
      }
    }
    // A resample of empty intervals only says nothing about the percentile: skipped.
    if (total === 0) continue;
    for (const [i, p] of o.percentiles.entries()) reps[i]!.push(values[percentileIndex(counts, total, p)]! / 1000);
  }
  const intervals = o.percentiles.map((p, i): PercentileInterval | null => {
    const sorted = reps[i]!.sort((a, b) => a - b);
    if (allTotal === 0 || sorted.length < resamples / 2 || allTotal * (1 - p / 100) < MIN_TAIL) return null;
    const logs = sorted.map(Math.log);
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const logSe = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, logs.length - 1));
    return {
      estimateMs: values[percentileIndex(all, allTotal, p)]! / 1000,
      loMs: quantileOfSorted(sorted, (1 - CONFIDENCE) / 2),
      hiMs: quantileOfSorted(sorted, 1 - (1 - CONFIDENCE) / 2),
      logSe,
    };
  });
  return { intervals, blocks: blockStarts.length, blockLength, resamples };
}

/** A ratio current/baseline with its 95% interval (1.0 = no change). */
export interface RatioInterval {
  ratio: number;
  lo: number;
  hi: number;
}

/**
 * The ratio a/b of two percentiles measured independently (two layouts, or two runs), with a 95%
 * interval from their bootstrap spreads combined on the log scale: ln(a/b) ± 1.96 sqrt(se_a² + se_b²).
 * Independent samples add their variances; the log scale keeps the ratio's skew (a ratio cannot go
 * below 0). Null when either side has no interval.
 */
export function ratioInterval(
  a: { value: number; logSe: number } | null | undefined,
  b: { value: number; logSe: number } | null | undefined,
): RatioInterval | null {
  if (!a || !b || !(a.value > 0) || !(b.value > 0)) return null;
  const d = Math.log(a.value / b.value);
  const se = Math.sqrt(a.logSe ** 2 + b.logSe ** 2);
  return { ratio: Math.exp(d), lo: Math.exp(d - Z95 * se), hi: Math.exp(d + Z95 * se) };
}
