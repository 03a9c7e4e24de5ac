import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SegmentCache } from '../measure/buffer-cache.js';
import type { SegmentResult } from './measure-segment.js';
import { summarizeCache } from './summarize-cache.js';

const prewarm = {
  mode: 'buffer' as const,
  workingSetBytes: 1e6,
  sharedBuffersBytes: 1e8,
  effectiveCacheBytes: 1e9,
  blocks: 100,
  seconds: 0.1,
  reason: null,
};
function seg(repeat: number, hit: number, read: number): SegmentResult {
  const cache: SegmentCache = {
    prewarm,
    warmup: { blksHit: 10, blksRead: 0, hitRatio: 1, bytesRead: 0 },
    window: { blksHit: hit, blksRead: read, hitRatio: hit / (hit + read), bytesRead: read * 8192 },
    reason: null,
  };
  return { repeat, valid: true, bufferCache: cache } as unknown as SegmentResult;
}

describe("a layout's cache summary", () => {
  it('flags the window with another hit ratio and calls the layout cold with its figures', () => {
    const c = summarizeCache([seg(0, 9_990, 10), seg(1, 9_000, 1_000), seg(2, 9_995, 5)])!;
    assert.deepEqual(
      c.windows.map((w) => w.flag !== null),
      [false, true, false],
    );
    assert.equal(c.state, 'cold');
    assert.equal(c.bytesRead, 1_015 * 8192);
    assert.equal(c.prewarm?.blocks, 300);
  });

  it('warm when every window hits at least 99%; null when nothing was measured', () => {
    assert.equal(summarizeCache([seg(0, 9_990, 10), seg(1, 9_995, 5)])!.state, 'warm');
    assert.equal(summarizeCache([{ repeat: 0, valid: true, bufferCache: null } as unknown as SegmentResult]), null);
  });
});
