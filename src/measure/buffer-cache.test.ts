import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffBuffers, flagCacheWindows } from './buffer-cache.js';

const snap = (blksHit: number, blksRead: number) => ({ blksHit, blksRead, blockSize: 8192 });

describe('buffer cache per window', () => {
  it('differences the counters: hit ratio and bytes read of the window only', () => {
    const w = diffBuffers(snap(1_000, 500), snap(10_900, 600));
    assert.deepEqual(w, { blksHit: 9_900, blksRead: 100, hitRatio: 0.99, bytesRead: 819_200 });
    assert.equal(diffBuffers(snap(5, 5), snap(5, 5)).hitRatio, null, 'nothing touched: unknown, not 0');
  });

  it('flags the window whose hit ratio differs from the others, and only it', () => {
    const flags = flagCacheWindows([0.995, 0.93, 0.994]);
    assert.equal(flags[0], null);
    assert.match(flags[1]!, /0\.930 differs from the median of the layout's windows \(0\.994\)/);
    assert.equal(flags[2], null);
  });

  it('flags nothing with one window, or within the bound', () => {
    assert.deepEqual(flagCacheWindows([0.5]), [null]);
    assert.deepEqual(flagCacheWindows([0.99, 0.98, 0.995]), [null, null, null]);
    assert.deepEqual(flagCacheWindows([null, 0.99, null]), [null, null, null]);
    // Two windows 9 points apart: neither is the odd one, both are flagged.
    assert.equal(flagCacheWindows([0.9, 0.99]).filter(Boolean).length, 2);
  });
});
