import { z } from 'zod';

const share = z.number().min(0).max(1).nullable();

/**
 * The layout's application backends sampled in pg_stat_activity during a measured window
 * (src/workload/server-backend-sampler.ts), by state: what the server's side of the router's
 * connections was doing while requests ran (and queued).
 */
export const serverBackendsSchema = z
  .object({
    samples: z.number().int().nonnegative().describe('pg_stat_activity samples in the window (one every 25 ms)'),
    meanBackends: z.number().nonnegative().describe("the layout's application backends seen per sample, mean"),
    activeShare: share.describe("share of sampled backends 'active': the server working; null when none was seen"),
    idleInTransactionShare: share.describe(
      "share 'idle in transaction': the server waiting for the client between a request's statements (or, on saturated shared cores, for a CPU to read the client's next message)",
    ),
    idleShare: share.describe("share 'idle': a held connection between requests"),
    whileQueued: z
      .object({
        samples: z
          .number()
          .int()
          .nonnegative()
          .describe('samples taken while requests waited in the router (before and after the snapshot)'),
        idleInTransactionShare: share.describe("share 'idle in transaction' of the backends seen in those samples"),
        idleShare: share.describe("share 'idle' in those samples: connections done with a request and not yet handed to a queued one"),
      })
      .nullable()
      .optional()
      .describe(
        'the samples taken while requests waited in the router, behind one pool for every tenant (with several generator threads: one pool per thread, any of them waiting); null behind per-tenant pools; absent in older bundles',
      ),
    reason: z.string().nullable().describe('"not measured: <why>" when not sampled; null when sampled'),
    notJudged: z
      .string()
      .nullable()
      .describe("why the router-queue rule did not judge these states (through a pooler the backends are the pooler's); null when judged"),
  })
  .describe("the layout's server backends during the measured window, by state (pg_stat_activity)");

export type ServerBackendsSummary = z.infer<typeof serverBackendsSchema>;
