import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram } from './latency-histogram.js';

/** Within HdrHistogram's 3-significant-digit precision (0.1%) plus one microsecond. */
function near(actual: number | null, expected: number): void {
  assert.ok(actual !== null, 'a value');
  assert.ok(Math.abs(actual - expected) <= expected * 0.001 + 0.001, `${actual} ≈ ${expected}`);
}

describe('LatencyHistogram', () => {
  it('reports known percentiles of 1..10000 ms', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 10_000; ms++) h.recordMs(ms);
    assert.equal(h.count, 10_000);
    near(h.percentileMs(50), 5000);
    near(h.percentileMs(95), 9500);
    near(h.percentileMs(99), 9900);
    near(h.percentileMs(99.9), 9990);
    near(h.maxMs(), 10_000);
  });

  it('keeps sub-millisecond values to the microsecond', () => {
    const h = new LatencyHistogram();
    h.recordMs(0.25);
    h.recordMs(0.0001); // below clock granularity: counted as 1 µs, not dropped
    assert.equal(h.count, 2);
    near(h.maxMs(), 0.25);
    near(h.percentileMs(0), 0.001);
  });

  it('says unknown (null), not 0, when empty', () => {
    const h = new LatencyHistogram();
    assert.deepEqual(h.summary(), { p50Ms: null, p95Ms: null, p99Ms: null, p999Ms: null, maxMs: null });
  });

  it('survives base64 encoding and merges encoded histograms exactly', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 990; i++) a.recordMs(2);
    for (let i = 0; i < 10; i++) b.recordMs(1000);
    const m = LatencyHistogram.merge([a.encode(), b.encode()]);
    assert.equal(m.count, 1000);
    near(m.percentileMs(50), 2);
    near(m.percentileMs(99), 2);
    near(m.percentileMs(99.5), 1000);
    near(m.maxMs(), 1000);
    assert.equal(LatencyHistogram.decode(a.encode()).count, 990);
  });

  it('keeps a value beyond the initial range instead of throwing', () => {
    const h = new LatencyHistogram();
    h.recordMs(120_000);
    near(h.maxMs(), 120_000);
  });
});
