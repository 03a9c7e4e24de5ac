import { z } from 'zod';
import { LAYOUT_NAMES } from '../config/scenario-schema.js';
import { workloadSummarySchema } from './workload-schema.js';

/**
 * The `headline` section of summary.json: every layout at the same offered rates, open loop, set as
 * fractions of the lowest capacity the calibration (summary.capacity) found. Rates in requests/s.
 */
const perS = z.number().nonnegative().describe('requests per second');

export const headlineRateSchema = z.object({
  fraction: z.number().gt(0).lt(1).describe('of the lowest capacity'),
  ratePerS: perS.describe('offered rate of the tenant-facing mix (workload.mix)'),
  reportsPerS: perS.describe('offered rate of the reports beside it (0 without reports)'),
  workload: workloadSummarySchema.describe('open loop at ratePerS + reportsPerS, every layout, per query'),
});

export const headlineSummarySchema = z.object({
  status: z.enum(['ok', 'failed', 'not-run']),
  reason: z.string().nullable(),
  fractions: z.array(z.number()),
  p99TargetMs: z.number().positive().describe('the calibration P99 target, ms'),
  oltpQueries: z.array(z.string()).describe('the tenant-facing queries (workload.mix)'),
  reportQueries: z.array(z.string()).describe('queries run beside at a low fixed rate, reported apart'),
  lowest: z
    .object({
      layout: z.enum(LAYOUT_NAMES),
      ratePerS: perS,
      kind: z.string().describe("the capacity's kind (measured, at-least, below)"),
    })
    .nullable()
    .describe('the slowest layout and its capacity; null when no capacity was measured'),
  settle: z
    .object({
      seconds: z.number().nonnegative().describe('VACUUM (ANALYZE) of every layout database, then CHECKPOINT, wall clock'),
      warning: z.string().nullable().describe('why the CHECKPOINT was not run (a role that may not); null when it ran'),
    })
    .nullable()
    .optional()
    .describe(
      "before the calibration: the seed's pending work (insert-triggered autovacuum, hint bits, dirty buffers) done, so it does not land on whichever windows run then; null when it failed; absent in older bundles",
    ),
  rates: z.array(headlineRateSchema),
});

/** One stage of the command's pipeline: when it started and how long it took (skipped: not run). */
export const stageTimingSchema = z.object({
  id: z.string(),
  status: z.enum(['ok', 'failed', 'partial', 'skipped']),
  startedAt: z.string().nullable(),
  seconds: z.number().nonnegative().nullable().describe('wall clock; null when skipped'),
  skip: z.string().nullable().describe('why it did not run'),
});

export type HeadlineSummary = z.infer<typeof headlineSummarySchema>;
export type StageTiming = z.infer<typeof stageTimingSchema>;
