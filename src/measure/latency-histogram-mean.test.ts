/** The mean, and values at the clock's granularity: what the summary's meanResponseMs and phases rest on. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram } from './latency-histogram.js';

describe('LatencyHistogram mean and granularity', () => {
  it('the mean in ms of what was recorded; null (unknown) when empty', () => {
    const h = new LatencyHistogram();
    assert.equal(h.meanMs(), null);
    for (const ms of [1, 2, 3, 6]) h.recordMs(ms);
    assert.ok(Math.abs(h.meanMs()! - 3) <= 0.003, `${h.meanMs()}`);
  });

  it('exactly 1 µs is kept as 1 µs, and so is anything below it', () => {
    const h = new LatencyHistogram();
    h.recordMs(0.001);
    h.recordMs(0.0004);
    assert.equal(h.count, 2);
    assert.equal(h.maxMs(), 0.001);
    assert.equal(h.percentileMs(0), 0.001);
  });

  it('keeps 3 significant digits of a large value (the histogram it builds, not a default one)', () => {
    const h = new LatencyHistogram();
    h.recordMs(12_345.678);
    assert.ok(Math.abs(h.maxMs()! - 12_345.678) <= 12.4, `${h.maxMs()}`);
    h.recordMs(0.0123);
    assert.ok(Math.abs(h.percentileMs(0)! - 0.012) <= 0.0001, `${h.percentileMs(0)}`);
  });
});
