import { flagCacheWindows } from '../measure/buffer-cache.js';
import type { LayoutCache } from '../results/cache-schema.js';
import type { SegmentResult } from './measure-segment.js';

/** At least this share of block accesses found in shared_buffers in every valid window = warm. */
export const WARM_HIT_RATIO = 0.99;

/** A layout's cache figures from its segments (one per repeat); a window unlike the others is flagged. */
export function summarizeCache(segs: readonly SegmentResult[]): LayoutCache | null {
  const measured = segs.filter((s) => s.bufferCache);
  if (!measured.length) return null;
  const windows = measured.map((s) => {
    const c = s.bufferCache!;
    return {
      repeat: s.repeat,
      valid: s.valid,
      hitRatio: c.window?.hitRatio ?? null,
      blksHit: c.window?.blksHit ?? 0,
      blksRead: c.window?.blksRead ?? 0,
      bytesRead: c.window?.bytesRead ?? 0,
      warmupHitRatio: c.warmup?.hitRatio ?? null,
      flag: null as string | null,
      ...(c.warmUp ? { warmUp: c.warmUp } : {}),
    };
  });
  const flags = flagCacheWindows(windows.map((w) => (w.valid ? w.hitRatio : null)));
  for (const [i, f] of flags.entries()) windows[i]!.flag = f;
  const valid = windows.filter((w) => w.valid && w.hitRatio !== null);
  const hit = valid.reduce((a, w) => a + w.blksHit, 0);
  const read = valid.reduce((a, w) => a + w.blksRead, 0);
  const reason = measured.map((s) => s.bufferCache!.reason).find((r) => r) ?? null;
  const first = measured[0]!.bufferCache!.prewarm;
  return {
    reason: valid.length ? null : (reason ?? 'not measured: no valid window'),
    state: valid.length ? (valid.every((w) => w.hitRatio! >= WARM_HIT_RATIO) ? 'warm' : 'cold') : null,
    hitRatio: hit + read ? hit / (hit + read) : null,
    bytesRead: valid.reduce((a, w) => a + w.bytesRead, 0),
    prewarm: {
      ...first,
      blocks: measured.reduce((a, s) => a + s.bufferCache!.prewarm.blocks, 0),
      seconds: measured.reduce((a, s) => a + s.bufferCache!.prewarm.seconds, 0),
    },
    windows,
  };
}
