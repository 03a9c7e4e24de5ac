import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hash32, mulberry32 } from '../../seed/prng.js';
import { blockBootstrap, quantizeUs, ratioInterval, recordInto } from './bootstrap.js';
import type { IntervalCounts } from './bootstrap.js';

const MEAN_MS = 10;
/** Exponential(mean 10 ms): the true P50 and P99. */
const TRUE_P50 = MEAN_MS * Math.LN2;
const TRUE_P99 = MEAN_MS * Math.log(100);

/** One window of `intervals` intervals of `perInterval` exponential latencies, each interval's scale times level(i). */
function window(seed: number, intervals: number, perInterval: number, level: (i: number) => number = () => 1): IntervalCounts[] {
  const rand = mulberry32(seed);
  return Array.from({ length: intervals }, (_, i) => {
    const c = new Map<number, number>();
    const s = level(i);
    for (let k = 0; k < perInterval; k++) recordInto(c, -MEAN_MS * s * Math.log(1 - rand()));
    return c;
  });
}

describe('block bootstrap of latency percentiles', () => {
  it('quantizes to within 0.4%, exact below 256 µs', () => {
    assert.equal(quantizeUs(234), 234);
    for (const v of [257, 2049, 12_345, 987_654, 31_234_567]) assert.ok(Math.abs(quantizeUs(v) - v) / v <= 0.004, `${v}`);
  });

  it('covers the true P50 and P99 of a known distribution about 95% of the time', () => {
    const sims = 100;
    let hit50 = 0;
    let hit99 = 0;
    for (let s = 0; s < sims; s++) {
      const r = blockBootstrap([window(hash32(7, s), 40, 100)], { percentiles: [50, 99], resamples: 300, seed: hash32(8, s) });
      const [p50, p99] = r.intervals;
      if (p50!.loMs <= TRUE_P50 && TRUE_P50 <= p50!.hiMs) hit50++;
      if (p99!.loMs <= TRUE_P99 && TRUE_P99 <= p99!.hiMs) hit99++;
    }
    // 100 simulations: the observed coverage of a true 95% has a standard error of 2.2 points.
    assert.ok(hit50 >= 88 && hit50 <= 100, `P50 coverage ${hit50}%`);
    assert.ok(hit99 >= 86 && hit99 <= 100, `P99 coverage ${hit99}%`);
  });

  it('narrows with more data', () => {
    const width = (intervals: number) => {
      const r = blockBootstrap([window(3, intervals, 100)], { percentiles: [50, 99], resamples: 400, seed: 4 });
      return r.intervals.map((x) => x!.hiMs - x!.loMs);
    };
    const [small50, small99] = width(16);
    const [large50, large99] = width(256);
    assert.ok(large50! < small50! / 2, `P50 width ${small50} -> ${large50}`);
    assert.ok(large99! < small99! / 2, `P99 width ${small99} -> ${large99}`);
  });

  it('widens when slow stretches of time come in runs (autocorrelation), where a per-request bootstrap would not', () => {
    // Slow periods of 8 s (latencies x2.5) every 16 s: the requests of an interval are no longer independent draws.
    const bursty = window(5, 64, 100, (i) => (Math.floor(i / 8) % 2 ? 2.5 : 1));
    const blocks = blockBootstrap([bursty], { percentiles: [50], resamples: 400, seed: 6 }).intervals[0]!;
    // Each interval on its own and blockLength 1 is still interval-level; one request per "interval" is the per-request bootstrap.
    const perRequest = new Map<number, number>();
    for (const c of bursty) for (const [v, n] of c) perRequest.set(v, (perRequest.get(v) ?? 0) + n);
    const requests: IntervalCounts[] = [...perRequest].flatMap(([v, n]) => Array.from({ length: n }, () => new Map([[v, 1]])));
    const naive = blockBootstrap([requests], { percentiles: [50], resamples: 100, seed: 6, blockLength: 1 }).intervals[0]!;
    assert.ok(
      blocks.hiMs - blocks.loMs > 2 * (naive.hiMs - naive.loMs),
      `block ${blocks.hiMs - blocks.loMs} vs request ${naive.hiMs - naive.loMs}`,
    );
  });

  it('is deterministic for a seed', () => {
    const w = [window(9, 30, 50)];
    assert.deepEqual(blockBootstrap(w, { percentiles: [99], seed: 1 }), blockBootstrap(w, { percentiles: [99], seed: 1 }));
  });

  it('gives no P99 interval with fewer than 10 requests beyond it, while P50 has one', () => {
    const r = blockBootstrap([window(2, 30, 30)], { percentiles: [50, 99], resamples: 100, seed: 1 });
    assert.ok(r.intervals[0]);
    assert.equal(r.intervals[1], null, '900 requests: 9 beyond P99');
  });

  it('gives no interval with too few blocks or no request', () => {
    assert.equal(blockBootstrap([window(1, 2, 50)], { percentiles: [50], seed: 1, blockLength: 1 }).intervals[0], null);
    assert.equal(
      blockBootstrap([[new Map(), new Map(), new Map(), new Map(), new Map()]], { percentiles: [50], seed: 1 }).intervals[0],
      null,
    );
  });
});

describe('ratio interval of two independent percentiles', () => {
  const ci = (seed: number, scale: number) => {
    const r = blockBootstrap([window(seed, 60, 100, () => scale)], { percentiles: [50], resamples: 300, seed }).intervals[0]!;
    return { value: r.estimateMs, logSe: r.logSe };
  };

  it('contains 1 about 95% of the time when both come from the same distribution', () => {
    let contains = 0;
    for (let s = 0; s < 60; s++) {
      const r = ratioInterval(ci(hash32(11, s), 1), ci(hash32(12, s), 1))!;
      if (r.lo <= 1 && 1 <= r.hi) contains++;
    }
    assert.ok(contains >= 53, `${contains} of 60`);
  });

  it('excludes 1 for a 30% difference', () => {
    const r = ratioInterval(ci(21, 1.3), ci(22, 1))!;
    assert.ok(r.lo > 1.1 && r.hi < 1.5, JSON.stringify(r));
  });

  it('is null without an interval on either side', () => {
    assert.equal(ratioInterval(null, { value: 1, logSe: 0.1 }), null);
  });
});
