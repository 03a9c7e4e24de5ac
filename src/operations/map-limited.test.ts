import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapLimited, spread } from './map-limited.js';

describe('mapLimited', () => {
  it('keeps input order, never runs more than the limit, and runs every item', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimited([5, 1, 4, 2, 3], 2, async (x) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(x);
      inFlight--;
      return x * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(peak, 2);
  });
});

describe('spread', () => {
  it('min, median, max and sum; null when empty', () => {
    assert.deepEqual(spread([3, 1, 2]), { min: 1, median: 2, max: 3, sum: 6 });
    assert.deepEqual(spread([4, 1, 2, 3]), { min: 1, median: 2.5, max: 4, sum: 10 });
    assert.equal(spread([]), null);
  });
});
