import { z } from 'zod';
import { poolerSchema } from './pooler-schema.js';
import { uniqueTenantSlugs } from './tenant-slug-rules.js';
import { rateSweepSchema } from './rate-sweep-schema.js';
import { headlineSchema } from './headline-schema.js';
import { policyFormSchema, policyFormsSchema } from './policy-schema.js';
import { warmUntilStableSchema } from './warm-up-schema.js';
import { customQueriesSchema } from './custom-query-schema.js';

import { isLayoutName, LAYOUT_NAMES, layoutNames } from '../layouts/layout-names.js';
import type { LayoutName } from '../layouts/layout-names.js';

export { LAYOUT_NAMES } from '../layouts/layout-names.js';
export type { LayoutName };

/** A built-in layout's name or one registered at run time (the registry is the source of valid names). */
const layoutNameSchema = z.string().transform((v, ctx): LayoutName => {
  if (!isLayoutName(v)) ctx.addIssue({ code: 'invalid_value', values: [...layoutNames()], input: v, message: 'unknown layout' });
  return v as LayoutName;
});

const positiveInt = z.number().int().positive();
const tenantSlugSchema = z.string().regex(/^t\d{4,}$/);

/** An optional block or value that resolves to null when absent (no HTTP measurement, no pooler...). */
function orNull<T extends z.ZodType>(schema: T) {
  return schema.optional().transform((v) => v ?? null);
}

const sizesSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('uniform') }).strict(),
  z
    .object({
      kind: z.literal('zipf'),
      /** Zipf exponent: tenant of rank r gets a weight 1/r^s. 0 = uniform, 1 = classic Zipf. */
      s: z.number().min(0).max(5),
    })
    .strict(),
  z
    .object({
      kind: z.literal('enterprise'),
      /** How many tenants are "enterprise" (the first ones by rank). */
      count: positiveInt,
      /** Fraction of all rows they hold together, (0, 1). */
      share: z.number().gt(0).lt(1),
    })
    .strict(),
]);

const tenantChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('uniform') }).strict(),
  /** Each tenant in proportion to its rows: big tenants get most requests, as in production. */
  z.object({ kind: z.literal('weighted') }).strict(),
  z
    .object({
      kind: z.literal('hot'),
      /** Fraction of requests that go to the hot tenant, [0, 1]; the rest are uniform over the others. */
      share: z.number().min(0).max(1),
      /** The hot tenant (slug); default the largest. */
      tenant: tenantSlugSchema.optional(),
    })
    .strict(),
]);

/** Reads dominate, as in most SaaS back ends; one request in ten writes. */
const DEFAULT_MIX = { 'recent-orders': 40, 'point-lookup': 30, 'order-search': 10, 'order-report': 10, 'create-order': 10 };

/**
 * The workload a `run` drives against every layout (see src/workload/). Validated (and errors listed)
 * in this key order; the resolved object keeps the key order scenario.json has always had.
 */
const workloadSchema = z
  .object({
    /** Query name -> relative weight (>= 0); at least one weight > 0. Names: query-names.ts. */
    mix: z.record(z.string(), z.number().min(0)).default(() => ({ ...DEFAULT_MIX })),
    /** closed: `users` virtual users back to back; open: requests at `ratePerS` whatever the latency. */
    mode: z.enum(['closed', 'open']).default('closed'),
    /** Virtual users (closed) and connections per pooled router (both modes). 50, as in the seed article's test. */
    users: positiveInt.max(10_000).default(50),
    /** Closed loop: pause between a user's requests, ms. */
    thinkMs: z.number().min(0).max(60_000).default(0),
    /** Open loop: offered requests per second; 500 is well below a 2-core machine's saturation (thousands per second). */
    ratePerS: z.number().positive().max(1_000_000).default(500),
    /** Open loop: fixed intervals, or exponential ones (a Poisson process). */
    arrival: z.enum(['fixed', 'poisson']).default('poisson'),
    warmupSeconds: z.number().min(0).max(3600).default(10),
    durationSeconds: z
      .number()
      .positive()
      .max(24 * 3600)
      .default(60),
    repeats: positiveInt.max(100).default(3),
    tenantChoice: tenantChoiceSchema.default(() => ({ kind: 'uniform' as const })),
    /** Named (server-side prepared) statements, or unnamed ones parsed and planned on every call. */
    prepared: z.boolean().default(true),
    /** rls: add the application's tenant_id = $n as well as the policy (the "both" variant). */
    explicitTenantFilter: z.boolean().default(false),
    /**
     * Open loop: a request that starts more than this after its intended time is counted late, ms.
     * pgbench counts a transaction late against --latency-limit; 10 ms is a tight interactive budget.
     */
    lateMs: z.number().positive().max(60_000).default(10),
    /** Open loop: requests waiting beyond this many are dropped (counted), not queued without bound. */
    maxBacklog: positiveInt.max(1_000_000).default(100_000),
    /**
     * The generator's own event-loop lag (p99, ms) above which a measurement is marked invalid: a
     * generator whose loop is 50 ms late at p99 timestamps its own delays, not the server's.
     */
    maxEventLoopLagMs: z.number().positive().max(10_000).default(50),
    /**
     * No successful request and connection errors for this long = the target is gone: stop the run, keep the results, exit 1.
     * 15 s: long enough for a server restart (crash recovery on small data takes seconds), short enough not to spin for minutes.
     */
    maxOutageSeconds: z.number().positive().max(3600).default(15),
    /** Width of the per-interval CSV rows, seconds. */
    intervalSeconds: z.number().positive().max(3600).default(1),
    /**
     * Load-generator threads (worker threads, each with its own event loop, connections and
     * histograms, merged exactly). Unset: 1 on 2 cores or fewer, where the server shares them;
     * else one per two cores, at most 8 (generator-threads.ts).
     */
    generatorThreads: positiveInt.max(64).optional(),
    /**
     * Noisy neighbour: one tenant runs a heavy query back to back on `users` extra connections
     * during an extra segment per layout; the other tenants' latency is compared quiet vs noisy.
     * When set, the measured traffic excludes that tenant in every segment. null = no such segment.
     */
    noisyNeighbour: orNull(
      z
        .object({
          /** The noisy tenant (slug); null = the largest. */
          tenant: orNull(tenantSlugSchema),
          /** Heavy reports on 4 connections: enough to load 2 cores, few enough to leave the others connections. */
          users: positiveInt.max(1000).default(4),
          /** Its query (a name of query-names.ts). */
          query: z.string().default('order-report'),
        })
        .strict(),
    ),
    /**
     * Leak probes under load: while each layout's measured window runs, a side task picks a tenant
     * every `everyMs` and runs one read-type leak probe of the verifier (by id, scan, join,
     * aggregate, in turn) through the workload's own router; a row of another tenant fails the run.
     * Off unless asked for (`run --leak-probes`).
     */
    leakProbes: z
      .object({
        enabled: z.boolean().default(false),
        /** Pause between two probes, ms: one every 200 ms is a few per second, next to thousands of requests. */
        everyMs: z.number().int().min(10).max(60_000).default(200),
      })
      .strict()
      .prefault({}),
    /**
     * HTTP level: after each layout's segment, autocannon drives a small tenant-aware HTTP service
     * (loopback) answering recent-orders from the layout's router; end-to-end P50/P99 per layout.
     * null = no HTTP-level measurement.
     */
    http: orNull(
      z
        .object({
          /** autocannon's default connection count. */
          connections: positiveInt.max(10_000).default(10),
          /** Default: the workload's durationSeconds. */
          durationSeconds: z.number().positive().max(3600).optional(),
        })
        .strict(),
    ),
    /**
     * A reference load generator run after each layout's measured windows, on the same SQL, rate and
     * connections (src/workload/pgbench-*.ts); `none` = no reference run.
     */
    reference: z.enum(['pgbench', 'none']).default('none'),
    /** Warm-up windows until the buffer hit ratio is stable, before each segment (warm-up-schema.ts); null = none. */
    warmUntilStable: orNull(warmUntilStableSchema),
  })
  .strict()
  // The HTTP window defaults to the workload's; the blocks move first and maxOutageSeconds last, the
  // key order resolved workloads (and so scenario.json) have always had. New settings just follow `rest`.
  .transform(({ noisyNeighbour, http, leakProbes, maxOutageSeconds, ...rest }) => ({
    noisyNeighbour,
    http: http && { ...http, durationSeconds: http.durationSeconds ?? rest.durationSeconds },
    leakProbes,
    ...rest,
    maxOutageSeconds,
  }));

const sweepCounts = z.array(positiveInt.max(100_000)).min(1);
/**
 * Tenant-scale sweep (`all` runs one step per tenant count, every step at the same total `rows`;
 * `tenants.count` is then only what the single-run commands use). Checks beyond types: tenant-sweep-config.ts.
 */
const sweepSchema = z
  .object({
    /** Tenant counts every layout of the scenario runs at, e.g. [10, 100, 1000]. */
    tenants: sweepCounts,
    /** Further counts only the named layouts run at (e.g. rls: [5000]); other layouts are "not in this step". */
    extraTenants: z
      .object({
        shared: sweepCounts.optional(),
        rls: sweepCounts.optional(),
        schema: sweepCounts.optional(),
        database: sweepCounts.optional(),
        hybrid: sweepCounts.optional(),
      })
      .strict()
      .optional(),
    /**
     * Where each strategy breaks (issue 16): per step also the backend memory per connection, a full
     * pg_dump with the locks it needs, and creating one more tenant; the report gives the tenant
     * count at which each cost crosses its budget (measured, or extrapolated linearly).
     */
    limits: z
      .object({
        /** Connections a pool would hold: the per-connection backend memory is multiplied by it. */
        poolConnections: positiveInt.max(100_000).default(100),
        /** Budget for backend memory x poolConnections: this share of the machine's RAM. */
        memoryShareOfRam: z.number().positive().max(1).default(0.5),
        /** Budget for a migration across all tenants (sequential and parallel), seconds. */
        migrationSeconds: z.number().positive().default(600),
        /** Budget for pg_dump of the whole layout, seconds. */
        dumpSeconds: z.number().positive().default(600),
        /** Migrate only in steps up to this many tenants (a time box); above it "not measured", extrapolated. */
        migrateUpTo: positiveInt.max(100_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The largest 5% of tenants (at least 1) go to the hybrid's dedicated tier unless `dedicated` says otherwise. */
export const DEDICATED_FRACTION = 0.05;

/**
 * The scenario file format (YAML or JSON), with its defaults: the one place a setting is declared
 * (adding one = a line here, with its default, plus where it is used). Strict: an unknown field is
 * an error, so a typo never silently falls back to a default. Checks across fields:
 * scenario-checks.ts; the resolved scenario (ResolvedScenario) derived from this: resolved-scenario.ts.
 */
export const scenarioFileSchema = z
  .object({
    /** Default: the file's name without its extension. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "-" and "_"')
      .optional(),
    description: z.string().default(''),
    /** PRNG seed: same scenario + seed = same rows, byte for byte. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    tenants: z
      .object({
        count: positiveInt.max(100_000),
        sizes: sizesSchema.default(() => ({ kind: 'uniform' as const })),
      })
      .strict(),
    /** Total rows over the tenant-owned tables (customers, products, orders, order_items). */
    rows: positiveInt.max(2_000_000_000),
    layouts: z
      .array(layoutNameSchema)
      .min(1)
      .default(() => [...LAYOUT_NAMES]),
    layoutOptions: z
      .object({
        schema: z
          .object({
            /** A login role per tenant with USAGE on its own schema only (and a CONNECTION LIMIT); connections kept per tenant under the pool cap. */
            rolePerTenant: z.boolean().default(false),
          })
          .strict()
          .prefault({}),
        database: z
          .object({
            /**
             * Global cap on server connections held by the database-per-tenant router.
             * 200: 1 for each of 100 tenants plus headroom.
             */
            maxConnections: positiveInt.max(10_000).default(200),
          })
          .strict()
          .prefault({}),
        hybrid: z
          .object({
            /**
             * How many of the largest tenants form the dedicated (enterprise) tier. Default:
             * DEDICATED_FRACTION of the tenants, at least 1 and fewer than all of them. Resolved to
             * the number of `dedicatedTenants` when those are listed.
             */
            dedicated: z.number().int().min(0).optional(),
            /** Explicit dedicated tenants by slug (t0001...), instead of the largest ones. */
            dedicatedTenants: z
              .array(tenantSlugSchema)
              .superRefine(uniqueTenantSlugs)
              .default(() => []),
            /** Where the dedicated tier lives. */
            placement: z.enum(['schema', 'database']).default('database'),
            /** The pooled tier's policy form, chosen apart from the rls layout's (same forms, same default). */
            policy: policyFormSchema,
          })
          .strict()
          .prefault({}),
        /** The rls layout's policy form (policy-forms.ts); default setting, the policy as it always was. */
        rls: z.object({ policy: policyFormSchema }).strict().prefault({}),
      })
      .strict()
      .prefault({}),
    /** Scenario-declared queries the mix may name beside the built-in ones (custom-query-schema.ts); absent = none. */
    queries: customQueriesSchema.optional(),
    workload: workloadSchema.prefault({}),
    /** Capacity: the workload in open loop at increasing rates, per layout, against a P99 target (rate-sweep-schema.ts). null = none. */
    rateSweep: orNull(rateSweepSchema),
    /** Equal load below saturation: calibrate capacity, then drive every layout at fractions of the lowest (headline-schema.ts). null = none. */
    headline: orNull(headlineSchema),
    /**
     * Which operations `all` runs. full: every one (migrations sequential, parallel and under load; both
     * dump formats; sizes per tenant; connections; extraction). headline: only what the main table
     * quotes (the parallel migration, pg_dump -Fc and one single-tenant method, verified; total sizes).
     */
    operations: z.enum(['full', 'headline']).default('full'),
    /** Measure the rls layout under each RLS policy form on the same rows (policy-schema.ts). null = none. */
    policyForms: orNull(policyFormsSchema),
    /** Drive the workload through a connection pooler the harness starts (src/pooler/); null = connect directly. */
    pooler: orNull(poolerSchema),
    /** null = no tenant-scale sweep. */
    sweep: orNull(sweepSchema),
    seeding: z
      .object({
        /** Concurrent COPY streams while loading the per-tenant layouts. */
        concurrency: positiveInt.max(64).default(2),
        /** Copy the rls database from the shared one with CREATE DATABASE ... TEMPLATE when both are seeded. */
        templateCopy: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** A scenario file after validation and defaults, before the checks across fields. */
export type ScenarioFile = z.output<typeof scenarioFileSchema>;
export type TenantSizes = z.output<typeof sizesSchema>;
export type TenantChoice = z.output<typeof tenantChoiceSchema>;
export type SweepFile = z.output<typeof sweepSchema>;
