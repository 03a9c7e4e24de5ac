import { warmUntilStable } from '../measure/warm-until-stable.js';
import type { WarmUpRecord } from '../measure/warm-until-stable.js';
import { measureSegment } from './measure-segment.js';
import type { SegmentOptions } from './measure-segment.js';

/**
 * workload.warmUntilStable before one segment: warm-up windows of the same workload (no warm-up of
 * their own, no leak probes, no noisy neighbour, nothing recorded but their buffer hit ratio) until
 * the hit ratio is stable (measure/warm-until-stable.ts). Each window draws another request stream
 * than the measured window (its own repeat number), so the warm-up warms the working set, not the
 * very rows the window will ask for. null when not configured.
 */
export async function warmSegment(seg: SegmentOptions): Promise<WarmUpRecord | null> {
  const w = seg.workload;
  const cfg = w.warmUntilStable;
  if (!cfg) return null;
  const workload = {
    ...w,
    warmupSeconds: 0,
    durationSeconds: cfg.windowSeconds,
    repeats: 1,
    leakProbes: { ...w.leakProbes, enabled: false },
  };
  return warmUntilStable(async (i) => {
    const r = await measureSegment({
      ctx: seg.ctx,
      layout: seg.layout,
      workload,
      repeat: 1000 + seg.repeat * 100 + i,
      // pg_prewarm once, before the first window; the windows after it start from the cache it left.
      skipPrewarm: i > 0,
      ...(seg.router ? { router: seg.router } : {}),
      ...(seg.serverConnections ? { serverConnections: seg.serverConnections } : {}),
    });
    return r.bufferCache?.window?.hitRatio ?? null;
  }, cfg);
}
