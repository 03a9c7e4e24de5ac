/** compare's verdict on measured numbers: beyond the threshold in the bad direction, and beyond the repeats' spread. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricVerdict } from './metric-verdict.js';

const v = (value: number, spread?: [number, number]) => (spread ? { value, spread: { min: spread[0], max: spread[1] } } : { value });

describe('metricVerdict', () => {
  it('latency (lower is better): +20% is a regression at a 10% threshold, -20% an improvement', () => {
    assert.deepEqual(metricVerdict(v(10), v(12), 'lower', 10), { changePct: 20, verdict: 'regression', note: '' });
    assert.deepEqual(metricVerdict(v(10), v(8), 'lower', 10), { changePct: -20, verdict: 'improved', note: '' });
  });

  it('throughput (higher is better): the same changes the other way round; changePct stays current vs baseline', () => {
    assert.deepEqual(metricVerdict(v(100), v(80), 'higher', 10), { changePct: -20, verdict: 'regression', note: '' });
    assert.deepEqual(metricVerdict(v(100), v(120), 'higher', 10), { changePct: 20, verdict: 'improved', note: '' });
  });

  it('a change within the threshold, or exactly at it, is ok', () => {
    assert.equal(metricVerdict(v(10), v(11), 'lower', 10).verdict, 'ok');
    assert.equal(metricVerdict(v(10), v(9), 'lower', 10).verdict, 'ok');
    assert.equal(metricVerdict(v(100), v(90), 'higher', 10).verdict, 'ok');
    assert.equal(metricVerdict(v(100), v(110), 'higher', 10).verdict, 'ok');
    assert.equal(metricVerdict(v(10), v(10), 'lower', 0).verdict, 'ok');
  });

  it('beyond the threshold but overlapping repeats: within noise, with the reason', () => {
    const r = metricVerdict(v(10, [8, 13]), v(12, [12, 14]), 'lower', 10);
    assert.deepEqual(r, { changePct: 20, verdict: 'within noise', note: 'change exceeds the threshold but the repeats overlap' });
    assert.equal(metricVerdict(v(100, [90, 110]), v(80, [70, 90]), 'higher', 10).verdict, 'within noise');
    // Touching spreads still overlap.
    assert.equal(metricVerdict(v(10, [9, 11]), v(12, [11, 13]), 'lower', 10).verdict, 'within noise');
    assert.equal(metricVerdict(v(100, [90, 110]), v(80, [70, 90]), 'higher', 10).verdict, 'within noise');
  });

  it('beyond the threshold with separate repeats: a regression', () => {
    assert.equal(metricVerdict(v(10, [9, 11]), v(12, [11.5, 13]), 'lower', 10).verdict, 'regression');
    assert.equal(metricVerdict(v(100, [95, 105]), v(80, [70, 94]), 'higher', 10).verdict, 'regression');
    // A spread on one side only cannot show noise: the change counts.
    assert.equal(metricVerdict(v(10, [5, 15]), v(12), 'lower', 10).verdict, 'regression');
    assert.equal(metricVerdict(v(10), v(12, [5, 15]), 'lower', 10).verdict, 'regression');
  });
});
