import { z } from 'zod';

/**
 * `workload.warmUntilStable`: before each measured segment (layout, repeat), warm-up windows of the
 * same workload run until the buffer hit ratio of two successive windows differs by at most
 * `stableWithinPoints` percentage points, or `maxWindows` windows have run (src/measure/warm-until-stable.ts).
 * The segment's own warm-up (warmupSeconds) and measured window follow. null = only pg_prewarm and
 * the segment's warm-up.
 */
export const warmUntilStableSchema = z
  .object({
    /** Length of one warm-up window, s: long enough for a few hundred requests at the headline rates. */
    windowSeconds: z.number().positive().max(600).default(3),
    /** Two successive windows' hit ratios within this many percentage points = stable. */
    stableWithinPoints: z.number().positive().max(100).default(0.5),
    /** At most this many warm-up windows per segment (stability needs at least 2). */
    maxWindows: z.number().int().min(2).max(100).default(6),
  })
  .strict();

export type WarmUntilStable = z.output<typeof warmUntilStableSchema>;
