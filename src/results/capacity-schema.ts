import { z } from 'zod';
import { LAYOUT_NAMES } from '../config/scenario-schema.js';
import { serverBackendsSchema } from './server-backends-schema.js';

/**
 * The `capacity` section of summary.json (a rate sweep: `rateSweep:` in the scenario). Versioned on
 * its own: bump CAPACITY_SCHEMA_VERSION on a breaking change. Rates in requests per second,
 * latencies in milliseconds; unknown = null.
 */
export const CAPACITY_SCHEMA_VERSION = 1;

const ms = z.number().nonnegative().nullable().describe('milliseconds; null when nothing was recorded');
const perS = z.number().nonnegative().describe('requests per second');

export const capacityStepSchema = z.object({
  round: z
    .number()
    .int()
    .nonnegative()
    .describe('0-based round of the sweep: every layout still sweeping ran once per round, in a shuffled order'),
  phase: z
    .enum(['sweep', 'refine'])
    .describe('sweep: the configured rates in order; refine: bisection between the last passing and the first missed rate'),
  ratePerS: perS.describe('the offered rate this step was configured for (the rate capacity is stated in)'),
  offeredPerS: perS
    .nullable()
    .describe('requests actually scheduled in the measured window per second (Poisson arrivals vary around ratePerS)'),
  achievedPerS: perS.nullable().describe('requests completed successfully per second of the measured window'),
  p50Ms: ms.describe('all queries, from the intended start (coordinated omission corrected)'),
  p95Ms: ms,
  p99Ms: ms,
  serviceP99Ms: ms.describe("service time (session in hand to COMMIT done) P99: the server's share, without queueing"),
  ok: z.number().int().nonnegative(),
  errors: z.record(z.string(), z.number().int().positive()).describe('failed requests by SQLSTATE'),
  late: z.number().int().nonnegative().describe('requests whose session came more than lateMs after their intended start'),
  dropped: z.number().int().nonnegative().describe('requests not sent because maxBacklog requests were already waiting'),
  unfinished: z
    .number()
    .int()
    .nonnegative()
    .describe('requests still running when the drain after the window gave up (30 s): the layout did not keep up'),
  valid: z
    .boolean()
    .describe(
      'false when the load generator itself could not keep up (event-loop lag) or the target went away: the step says nothing about the layout',
    ),
  invalidReasons: z.array(z.string()),
  eventLoopLagP99Ms: z.number().nonnegative(),
  generatorLimited: z
    .boolean()
    .optional()
    .describe(
      "the load generator was the bottleneck (its CPU near a core, its schedule lateness beyond maxEventLoopLagMs, or requests queued in the router while its connections sat idle in transaction): invalid, never the layout's limit",
    ),
  serverBackends: serverBackendsSchema.nullable().optional().describe("this step's window; absent in older bundles"),
  meets: z
    .boolean()
    .nullable()
    .describe(
      'true: P99 within the target, achieved >= minAchievedFraction of offered, nothing dropped or unfinished, errors within maxErrorFraction; null when the step was invalid',
    ),
  misses: z.array(z.string()).describe('why the step missed the target (empty when it met it or was invalid)'),
  histogram: z.string().nullable().describe('response-time HdrHistogram (microseconds) of the step, compressed base64 V2 encoding'),
});

export const capacityResultSchema = z
  .object({
    kind: z
      .enum(['measured', 'at-least', 'below', 'not-measured'])
      .describe(
        'measured: ratePerS met the target and firstMissPerS (the next rate tried) did not; at-least: every valid rate met it up to ratePerS (the last passing one) and nothing higher was measured validly; below: the first rate already missed (ratePerS = that rate, an upper bound); not-measured: no valid step',
      ),
    ratePerS: perS
      .nullable()
      .describe(
        'measured / at-least: the highest offered rate that met the target before the first miss; below: the first rate (capacity is under it); null when not measured',
      ),
    firstMissPerS: perS.nullable().describe('the lowest rate that missed the target (after refinement); null when none did'),
    label: z.string().describe('how to quote it: "800 req/s", ">= 3200 req/s", "below 100 req/s", "not measured: ..."'),
    reason: z.string().nullable().describe('why a bound or nothing is reported instead of a number'),
  })
  .describe("the layout's capacity: the highest offered rate meeting the P99 target, never a number that was not measured");

export const layoutCapacitySchema = z.object({
  status: z.enum(['ok', 'failed', 'not-run']),
  reason: z.string().nullable(),
  capacity: capacityResultSchema,
  steps: z.array(capacityStepSchema).describe('every step in the order it ran'),
});

export const capacitySummarySchema = z.object({
  schemaVersion: z.literal(CAPACITY_SCHEMA_VERSION),
  config: z.object({
    rates: z.array(perS).describe('the configured rates, ascending'),
    p99TargetMs: z.number().positive(),
    stepSeconds: z.number().positive(),
    warmupSeconds: z.number().nonnegative(),
    minAchievedFraction: z.number(),
    maxErrorFraction: z.number(),
    stopAfterMisses: z.number().int(),
    refine: z.number().int(),
    mix: z.record(z.string(), z.number()),
    connections: z.number().int().describe("the workload's users: connections per pooled router"),
    arrival: z.enum(['fixed', 'poisson']),
    lateMs: z.number(),
    maxBacklog: z.number().int(),
    maxEventLoopLagMs: z.number(),
  }),
  order: z.array(z.array(z.enum(LAYOUT_NAMES))).describe('the layouts of each round, in the order they ran'),
  layouts: z.partialRecord(z.enum(LAYOUT_NAMES), layoutCapacitySchema),
});

export type CapacitySummary = z.infer<typeof capacitySummarySchema>;
export type LayoutCapacity = z.infer<typeof layoutCapacitySchema>;
export type CapacityStep = z.infer<typeof capacityStepSchema>;
export type CapacityResult = z.infer<typeof capacityResultSchema>;
