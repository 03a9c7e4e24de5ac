import type { RouterStats } from '../layout.js';

/**
 * Stats of routers side by side (one per server, or a hybrid's two tiers) as one: sums, so
 * `peakOpen` is the sum of each router's peak, an upper bound of their peak at one instant.
 */
export function sumRouterStats(all: readonly RouterStats[]): RouterStats {
  const sum = (k: keyof RouterStats) => all.reduce((a, s) => a + (s[k] ?? 0), 0);
  return {
    open: sum('open'),
    peakOpen: sum('peakOpen'),
    opened: sum('opened'),
    closed: sum('closed'),
    waits: sum('waits'),
    evicted: sum('evicted'),
  };
}
