import { z } from 'zod';
import { LAYOUT_NAMES } from '../config/scenario-schema.js';
import { layoutCacheSchema } from './cache-schema.js';
import { serverBackendsSchema } from './server-backends-schema.js';

/**
 * The `workload` section of summary.json (written by `tenantbench run`). Versioned on its own:
 * bump WORKLOAD_SCHEMA_VERSION on a breaking change. Latencies in milliseconds; unknown = null.
 */
export const WORKLOAD_SCHEMA_VERSION = 1;

const ms = z.number().nonnegative().nullable().describe('milliseconds; null when nothing was recorded');

const latencySchema = z.object({ p50Ms: ms, p95Ms: ms, p99Ms: ms, p999Ms: ms, maxMs: ms });

const repeatSchema = z.object({
  repeat: z.number().int().nonnegative(),
  valid: z.boolean(),
  count: z.number().int().nonnegative(),
  p50Ms: ms,
  p99Ms: ms,
  throughputPerS: z.number().nonnegative(),
  serverBackends: serverBackendsSchema.nullable().optional().describe('this window; absent in older bundles'),
});

const spreadSchema = z
  .object({ min: z.number().nullable(), max: z.number().nullable(), relative: z.number().nullable().describe('(max - min) / min') })
  .describe('over the valid repeats');

const phaseSchema = latencySchema.extend({ count: z.number().int().nonnegative(), meanMs: ms });

export const phasesSchema = z
  .object({
    scheduleLateness: phaseSchema
      .nullable()
      .describe(
        "open loop: intended start to the request handed to the router, every request sent (ok or failed): the generator's own delay, not the database's; null in closed loop",
      ),
    acquire: phaseSchema.describe(
      'router acquire: waiting for a connection (router queueing), opening one if needed, BEGIN + tenant context (one round trip when a connection is free)',
    ),
    query: phaseSchema.describe("the query's round trip (server work + network + client parsing)"),
    commit: phaseSchema.describe("COMMIT's round trip"),
    meanResponseMs: ms.describe(
      'mean response time: the sum of the phase means (scheduleLateness + acquire + query + commit), up to rounding',
    ),
  })
  .describe(
    "where a successful request's time went, per phase; percentiles of phases do not add up, their means do (meanMs); ok requests only except scheduleLateness",
  );

const share = z.number().min(0).max(1).nullable();

export const acquisitionSchema = z
  .object({
    requests: z.number().int().nonnegative().describe('successful requests whose router said how it obtained the connection'),
    reused: z.number().int().nonnegative().describe('got an idle connection at once'),
    connected: z.number().int().nonnegative().describe('opened a new connection at once'),
    waitedThenReused: z.number().int().nonnegative().describe("queued in the router, then got one of the router's connections"),
    waitedThenConnected: z.number().int().nonnegative().describe('queued in the router, then opened a new connection'),
    waitedShare: share.describe('share of requests that queued in the router (waitedThenReused + waitedThenConnected) / requests'),
    connectedShare: share.describe('share of requests that opened a connection (connected + waitedThenConnected) / requests'),
    reusedShare: share.describe('share of requests that neither queued nor connected: reused / requests'),
    wait: phaseSchema.describe("time queued in the router's queue for a connection, over the requests that queued"),
    connect: phaseSchema.describe(
      'time opening a connection (closing an evicted idle one first at the cap, TCP, authentication, startup), over the requests that connected',
    ),
  })
  .describe(
    "how the router obtained each successful request's connection: the acquire phase split into queueing in the router, connecting, and (the rest) BEGIN + tenant context",
  );

const percentileCiSchema = z.object({
  loMs: z.number().nonnegative(),
  hiMs: z.number().nonnegative(),
  logSe: z
    .number()
    .nonnegative()
    .describe('standard deviation of ln(bootstrap replicate): combines two independent intervals into a ratio interval'),
});

export const latencyIntervalsSchema = z
  .object({
    method: z.literal('moving-block-bootstrap').describe('over the measured intervals (workload.intervalSeconds), not over requests'),
    confidence: z.number().describe('0.95'),
    blockLength: z.number().int().positive().describe('consecutive intervals per block, round(n^(1/3)) for n intervals per window'),
    blocks: z.number().int().nonnegative().describe('candidate blocks over the valid repeats'),
    resamples: z.number().int().positive(),
    p50Ms: percentileCiSchema.nullable().describe('null when there were too few blocks'),
    p99Ms: percentileCiSchema.nullable(),
  })
  .describe("95% confidence intervals of the response time's P50 and P99 (percentile bootstrap, ms)");

export const queryResultSchema = latencySchema.extend({
  count: z.number().int().nonnegative().describe('successful requests in the measured windows of the valid repeats'),
  errors: z
    .record(z.string(), z.number().int().positive())
    .describe('failed requests by SQLSTATE; "connection" = the connection broke, "client" = no SQLSTATE'),
  throughputPerS: z.number().nonnegative().nullable().describe('successful requests per second (mean over valid repeats)'),
  mode: z.enum(['closed', 'open']),
  offeredPerS: z.number().nonnegative().nullable().describe('open loop: scheduled requests per second of this query; null in closed loop'),
  late: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe('open loop: requests whose session came more than lateMs after their intended start; null in closed loop'),
  dropped: z.number().int().nonnegative().nullable().describe('open loop: requests not sent because the backlog was full'),
  valid: z
    .boolean()
    .describe("false when any repeat was invalid (see the layout's invalidReasons); percentiles then cover the valid repeats only"),
  latencyBasis: z
    .enum(['intended-start', 'actual-start'])
    .describe('open loop: from the intended start (coordinated omission corrected); closed loop: from the actual start'),
  service: latencySchema.describe('service time: from the tenant-scoped session in hand to COMMIT done'),
  byTenantClass: z.object({
    small: latencySchema.extend({ count: z.number().int().nonnegative() }),
    large: latencySchema.extend({ count: z.number().int().nonnegative() }),
  }),
  repeats: z.array(repeatSchema),
  spread: z.object({ p50Ms: spreadSchema, p99Ms: spreadSchema, throughputPerS: spreadSchema }),
  histogram: z
    .string()
    .nullable()
    .describe('response-time HdrHistogram (microseconds), compressed base64 V2 encoding, merged over the valid repeats'),
  serviceHistogram: z.string().nullable().describe('service-time HdrHistogram, same encoding'),
  phases: phasesSchema.optional(),
  acquisition: acquisitionSchema.nullable().optional().describe('null when the router does not say (absent in older summaries)'),
  latenessHistogram: z
    .string()
    .nullable()
    .optional()
    .describe('open loop: schedule-lateness HdrHistogram (microseconds), same encoding; null in closed loop'),
  intervals: latencyIntervalsSchema.nullable().optional().describe('absent in bundles written before the intervals existed'),
});

export const leakProbesSchema = z
  .object({
    probes: z.number().int().nonnegative().describe('read-type leak probes run during the measured windows (all repeats)'),
    leaked: z.number().int().nonnegative().describe('probes that reached rows of another tenant'),
    findings: z.number().int().nonnegative().describe("probes that proved nothing (an error, or the tenant's own control failed)"),
    rowsOfOtherTenants: z.number().int().nonnegative().describe('rows of other tenants seen, summed over the leaked probes'),
    firstLeak: z.object({ probe: z.string(), tenant: z.string().describe('the tenant the probe acted as'), detail: z.string() }).nullable(),
  })
  .describe('leak probes mixed into the workload (run --leak-probes) through the same router as the measured requests');

export const referenceQuerySchema = z
  .union([
    z.object({
      measured: z.literal(true),
      p50Ms: ms,
      p95Ms: ms,
      p99Ms: ms,
      maxMs: ms,
      transactions: z.number().int().nonnegative().describe("completed transactions in pgbench's measured window"),
      failures: z.number().int().nonnegative().describe('failed transactions in the window (pgbench 15+ "failed")'),
      throughputPerS: z.number().nonnegative().describe('completed transactions per second in the window'),
      offeredPerS: z.number().nonnegative().nullable().describe("open loop: this query's part of the offered rate; null in closed loop"),
      histogram: z.string().nullable().describe('response-time HdrHistogram (microseconds), compressed base64 V2 encoding'),
    }),
    z.object({ measured: z.literal(false), reason: z.string().describe('why pgbench did not measure this query') }),
  ])
  .describe("one query's figures from the reference load generator, or why there are none");

export const referenceSchema = z
  .object({
    tool: z.literal('pgbench'),
    version: z.string().nullable().describe('`pgbench --version`; null when not found'),
    reason: z.string().nullable().describe('"not measured: <why>" when the reference did not run at all (pgbench not found...), else null'),
    mode: z.enum(['closed', 'open']),
    latencyBasis: z
      .enum(['intended-start', 'actual-start'])
      .describe("open loop (--rate): from the transaction's scheduled start, schedule lag included; closed loop: from its actual start"),
    offeredPerS: z
      .number()
      .nonnegative()
      .nullable()
      .describe("open loop: the rate offered to pgbench (the mix's expressible queries' part)"),
    connections: z.number().int().nonnegative().describe('pgbench clients (connections), over all processes'),
    processes: z.number().int().nonnegative().describe('pgbench processes: one per database and login role (more beyond 128 scripts)'),
    durationSeconds: z.number().nonnegative().describe("measured seconds (after a warm-up of the workload's warmupSeconds)"),
    scheduleLagP99Ms: ms.describe("open loop: pgbench's own schedule lag P99 (scheduled to actual start)"),
    warnings: z.array(z.string()).describe('a pgbench process that ended with an error after completing transactions'),
    queries: z.record(z.string(), referenceQuerySchema),
  })
  .describe(
    "pgbench driving the same SQL (scripts from the query registry, the tenant's context from the layout) at the same rate or connections, after the layout's measured windows (run --reference pgbench)",
  );

export const layoutWorkloadSchema = z.object({
  status: z.enum(['ok', 'failed', 'not-run']),
  reason: z.string().nullable(),
  valid: z.boolean(),
  invalidReasons: z.array(z.string()),
  queries: z.record(z.string(), queryResultSchema),
  all: queryResultSchema.nullable().describe('every query of the mix together'),
  eventLoopLagMs: z.object({ p99: z.number(), max: z.number() }).nullable().describe('worst over the repeats'),
  clientCpuPercentOfOneCore: z.number().nullable().describe('harness process CPU during the measured windows (mean over repeats)'),
  connections: z
    .object({
      opened: z.number().int(),
      closed: z.number().int(),
      peakOpen: z.number().int(),
      evicted: z
        .number()
        .int()
        .optional()
        .describe('idle connections the router closed to make room at its cap (part of closed); absent in older summaries'),
    })
    .nullable()
    .describe('summed over the repeats'),
  noisyNeighbour: z
    .object({
      tenant: z.string(),
      query: z.string(),
      users: z.number().int(),
      noisyRequestsPerS: z.number().nullable().describe("the noisy tenant's own completed requests per second"),
      quiet: latencySchema
        .extend({ count: z.number().int().nonnegative(), valid: z.boolean() })
        .describe('the other tenants, all queries, without the noisy load'),
      noisy: latencySchema
        .extend({ count: z.number().int().nonnegative(), valid: z.boolean() })
        .describe('the other tenants, all queries, with the noisy load'),
      p99Ratio: z.number().nullable().describe('noisy p99 / quiet p99'),
    })
    .nullable()
    .describe('null when the scenario has no noisyNeighbour'),
  http: z
    .object({
      connections: z.number().int(),
      p50Ms: ms.describe('autocannon latency (1 ms resolution), mean over repeats'),
      p99Ms: ms,
      maxMs: ms,
      requestsPerS: z.number().nonnegative().describe('2xx responses per second, mean over repeats'),
      ok: z.number().int().nonnegative(),
      non2xx: z.number().int().nonnegative(),
      errors: z.number().int().nonnegative().describe('connection errors and timeouts'),
      repeats: z.number().int().nonnegative(),
    })
    .nullable()
    .describe(
      'end-to-end through the tenant HTTP service (GET /recent-orders, x-tenant header), driven by autocannon on loopback; null when not configured',
    ),
  leakProbes: leakProbesSchema.nullable().optional().describe('null or absent when leak probes were off'),
  resetOnRelease: z
    .object({
      mechanism: z.string().describe("what the router sends when a connection goes back to the pool (on the COMMIT's round trip)"),
      samples: z.number().int().nonnegative().describe('releases timed per setting, with and without the reset, interleaved'),
      commitP50Ms: ms.describe('P50 of the release round trip with COMMIT alone'),
      commitResetP50Ms: ms.describe('P50 of the release round trip with COMMIT plus the reset'),
      costP50Ms: z
        .number()
        .nullable()
        .describe('commitResetP50Ms - commitP50Ms: what the reset adds to every request (noise can make it negative)'),
      reason: z.string().nullable().describe('"not measured: <why>", null when measured'),
    })
    .nullable()
    .optional()
    .describe(
      "the reset on release (issue 14) and its cost: a micro-measurement on one connection as the layout's login, before the repeats; absent in older bundles",
    ),
  serverTime: z
    .object({
      reason: z.string().nullable().describe('"not measured: <why>" (extension not installed...), null when measured'),
      queries: z.record(
        z.string(),
        z.object({
          calls: z.number().int().nonnegative(),
          totalExecMs: z.number().nonnegative().describe("sum of total_exec_time over the valid repeats' windows"),
          meanExecMs: ms.describe('totalExecMs / calls'),
        }),
      ),
      other: z
        .object({ calls: z.number().int().nonnegative(), totalExecMs: z.number().nonnegative(), meanExecMs: ms })
        .describe(
          "every other statement in the windows: BEGIN, the tenant context, COMMIT (and leak probes or a noisy neighbour's when on)",
        ),
    })
    .nullable()
    .optional()
    .describe('server execution time from pg_stat_statements in the measured windows, per query, beside the client-side latency'),
  generator: z
    .object({
      cpuPercentOfOneCore: z.number().describe('harness CPU in the measured windows, mean over repeats'),
      busyCpuPercentOfOneCore: z
        .number()
        .describe("the same without the open loop's deliberate yields before a deadline (its precise-scheduling spin)"),
      latenessP99Ms: ms.describe('open loop: worst schedule-lateness P99 over the repeats; null in closed loop'),
      queueWaitMs: z
        .number()
        .nullable()
        .optional()
        .describe('mean wait for a connection beyond one round trip (acquire mean - commit mean), worst over the repeats, ms'),
      serverBusyShare: z
        .number()
        .nullable()
        .optional()
        .describe('server execution time (pg_stat_statements) / (window x connections), lowest over the repeats; null when not measured'),
      routerQueue: z
        .object({
          requests: z.number().int().nonnegative(),
          waitedForHeld: z
            .number()
            .int()
            .nonnegative()
            .describe("requests that queued for a connection the router already held ('waited-then-reused')"),
          waitedForHeldMs: z.number().nonnegative().describe('their total queueing time, ms'),
        })
        .nullable()
        .optional()
        .describe("the router's own queue over the repeats (summed), judged with serverBackends; absent in older bundles"),
      serverBackends: serverBackendsSchema
        .nullable()
        .optional()
        .describe("pooled over the repeats' samples; per window under repeats[].serverBackends; absent in older bundles"),
      limitedRepeats: z
        .number()
        .int()
        .nonnegative()
        .describe(
          "repeats the generator limited (its CPU near a core, its schedule lateness beyond maxEventLoopLagMs, or requests queued in the router while its connections sat idle in transaction waiting for the client): invalid, never the layout's result",
        ),
      threads: z
        .number()
        .int()
        .positive()
        .optional()
        .describe(
          'load-generator threads that drove the windows (workload.generatorThreads, else the machine default; 1 where the segment needs the main thread)',
        ),
      perThread: z
        .array(
          z.object({
            cpuPercentOfOneCore: z.number().describe("this thread's CPU, % of one core, highest over the repeats"),
            busyCpuPercentOfOneCore: z
              .number()
              .describe('the same without its deliberate yields; above 90 the window is generator-limited'),
            latenessP99Ms: ms.describe("open loop: this thread's schedule-lateness P99, worst over the repeats; null in closed loop"),
          }),
        )
        .optional()
        .describe('with several generator threads: each one (busyCpuPercentOfOneCore above is the busiest)'),
    })
    .nullable()
    .optional()
    .describe("the load generator's own load: it is a suspect (DESIGN: Measuring honestly)"),
  cache: layoutCacheSchema.nullable().optional().describe('absent in bundles written before the cache protocol'),
  reference: referenceSchema.nullable().optional().describe('absent unless workload.reference (run --reference pgbench)'),
});

export const workloadSummarySchema = z.object({
  schemaVersion: z.literal(WORKLOAD_SCHEMA_VERSION),
  config: z.object({
    mix: z.record(z.string(), z.number()),
    mode: z.enum(['closed', 'open']),
    users: z.number().int(),
    thinkMs: z.number(),
    ratePerS: z.number().nullable(),
    arrival: z.enum(['fixed', 'poisson']).nullable(),
    warmupSeconds: z.number(),
    durationSeconds: z.number(),
    repeats: z.number().int(),
    tenantChoice: z.record(z.string(), z.unknown()),
    prepared: z.boolean(),
    explicitTenantFilter: z.boolean(),
    lateMs: z.number(),
    maxEventLoopLagMs: z.number(),
  }),
  order: z.array(z.array(z.enum(LAYOUT_NAMES))).describe("the layouts' order in each repeat (interleaved, shuffled per repeat)"),
  layouts: z.partialRecord(z.enum(LAYOUT_NAMES), layoutWorkloadSchema),
});

export type WorkloadSummary = z.infer<typeof workloadSummarySchema>;
export type LayoutWorkload = z.infer<typeof layoutWorkloadSchema>;
export type LeakProbes = z.infer<typeof leakProbesSchema>;
export type QueryResult = z.infer<typeof queryResultSchema>;
export type AcquisitionSummary = z.infer<typeof acquisitionSchema>;
export type Reference = z.infer<typeof referenceSchema>;
export type ReferenceQuery = z.infer<typeof referenceQuerySchema>;
