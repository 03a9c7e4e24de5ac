import { z } from 'zod';

const ratio = z.number().min(0).max(1).nullable().describe('blks_hit / (blks_hit + blks_read); null when no block was touched');

export const cacheWindowSchema = z.object({
  repeat: z.number().int().nonnegative(),
  valid: z.boolean().describe("the segment's validity (the cache figures never make it invalid)"),
  hitRatio: ratio,
  blksHit: z.number().int().nonnegative(),
  blksRead: z.number().int().nonnegative().describe('blocks not found in shared_buffers: from the OS cache or the disk'),
  bytesRead: z.number().nonnegative().describe('blksRead x block_size'),
  warmupHitRatio: ratio.describe("the warm-up's hit ratio (after the prewarm)"),
  flag: z
    .string()
    .nullable()
    .describe("why this window's hit ratio differs from the layout's other windows (flagged, not invalid); null when it does not"),
  warmUp: z
    .object({
      windows: z.number().int().nonnegative().describe('warm-up windows run before this segment'),
      hitRatios: z.array(ratio).describe("each warm-up window's hit ratio"),
      stable: z.boolean().describe('the last two warm-up windows were within stableWithinPoints'),
      finalHitRatio: ratio.describe("the last warm-up window's hit ratio"),
      seconds: z.number().nonnegative().describe('wall clock of the warm-up windows, their set-up included'),
      windowSeconds: z.number().positive(),
      stableWithinPoints: z.number().positive().describe('percentage points'),
      maxWindows: z.number().int().positive(),
    })
    .nullable()
    .optional()
    .describe(
      'workload.warmUntilStable: warm-up windows until the hit ratio was stable, before this segment; absent or null when not configured',
    ),
});

export const layoutCacheSchema = z
  .object({
    reason: z.string().nullable().describe('"not measured: <why>"; null when measured'),
    state: z
      .enum(['warm', 'cold'])
      .nullable()
      .describe('warm: every valid window hit shared_buffers for at least 99% of its block accesses; cold otherwise'),
    hitRatio: ratio.describe('over the valid windows together'),
    bytesRead: z.number().nonnegative().describe('summed over the valid windows'),
    prewarm: z
      .object({
        mode: z.enum(['buffer', 'read', 'none']).describe('pg_prewarm into shared_buffers, through the OS cache, or not at all'),
        workingSetBytes: z.number().nullable(),
        sharedBuffersBytes: z.number().nullable(),
        effectiveCacheBytes: z.number().nullable(),
        blocks: z.number().int().nonnegative().describe('blocks prewarmed, summed over the repeats'),
        seconds: z.number().nonnegative().describe('prewarm time, summed over the repeats'),
        reason: z.string().nullable(),
      })
      .nullable(),
    windows: z.array(cacheWindowSchema),
  })
  .describe("the buffer cache per measured window (pg_stat_database of the layout's databases, differenced per window)");

export type LayoutCache = z.infer<typeof layoutCacheSchema>;
