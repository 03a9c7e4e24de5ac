import { z } from 'zod';
import { uniqueTenantSlugs } from './tenant-slug-rules.js';
import { rateSweepSchema } from './rate-sweep-schema.js';
import { poolerSchema } from '../pooler/pooler-config.js';

/** Every isolation strategy the harness knows. The registry maps each name to its folder. */
export const LAYOUT_NAMES = ['shared', 'rls', 'schema', 'database', 'hybrid'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

const positiveInt = z.number().int().positive();

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
      tenant: z
        .string()
        .regex(/^t\d{4,}$/)
        .optional(),
    })
    .strict(),
]);

/** The workload a `run` drives against every layout (see src/workload/). */
const workloadSchema = z
  .object({
    /** Query name -> relative weight (>= 0); at least one weight > 0. Names: src/workload/query-registry.ts. */
    mix: z.record(z.string(), z.number().min(0)).optional(),
    /** closed: `users` virtual users back to back; open: requests at `ratePerS` whatever the latency. */
    mode: z.enum(['closed', 'open']).optional(),
    /** Virtual users (closed) and connections per pooled router (both modes). */
    users: positiveInt.max(10_000).optional(),
    /** Closed loop: pause between a user's requests, ms. */
    thinkMs: z.number().min(0).max(60_000).optional(),
    /** Open loop: offered requests per second. */
    ratePerS: z.number().positive().max(1_000_000).optional(),
    /** Open loop: fixed intervals, or exponential ones (a Poisson process). */
    arrival: z.enum(['fixed', 'poisson']).optional(),
    warmupSeconds: z.number().min(0).max(3600).optional(),
    durationSeconds: z
      .number()
      .positive()
      .max(24 * 3600)
      .optional(),
    repeats: positiveInt.max(100).optional(),
    tenantChoice: tenantChoiceSchema.optional(),
    /** Named (server-side prepared) statements, or unnamed ones parsed and planned on every call. */
    prepared: z.boolean().optional(),
    /** rls: add the application's tenant_id = $n as well as the policy (the "both" variant). */
    explicitTenantFilter: z.boolean().optional(),
    /** Open loop: a request that starts more than this after its intended time is counted late, ms. */
    lateMs: z.number().positive().max(60_000).optional(),
    /** Open loop: requests waiting beyond this many are dropped (counted), not queued without bound. */
    maxBacklog: positiveInt.max(1_000_000).optional(),
    /** The generator's own event-loop lag (p99, ms) above which a measurement is marked invalid. */
    maxEventLoopLagMs: z.number().positive().max(10_000).optional(),
    /** No successful request and connection errors for this long = the target is gone: stop the run, keep the results, exit 1. */
    maxOutageSeconds: z.number().positive().max(3600).optional(),
    /** Width of the per-interval CSV rows, seconds. */
    intervalSeconds: z.number().positive().max(3600).optional(),
    /**
     * Noisy neighbour: one tenant runs a heavy query back to back on `users` extra connections
     * during an extra segment per layout; the other tenants' latency is compared quiet vs noisy.
     * When set, the measured traffic excludes that tenant in every segment.
     */
    noisyNeighbour: z
      .object({
        /** The noisy tenant (slug); default the largest. */
        tenant: z
          .string()
          .regex(/^t\d{4,}$/)
          .optional(),
        users: positiveInt.max(1000).optional(),
        /** Its query (a registry name); default order-report. */
        query: z.string().optional(),
      })
      .strict()
      .optional(),
    /**
     * Leak probes under load: while each layout's measured window runs, a side task picks a tenant
     * every `everyMs` and runs one read-type leak probe of the verifier (by id, scan, join,
     * aggregate, in turn) through the workload's own router; a row of another tenant fails the run.
     */
    leakProbes: z
      .object({
        enabled: z.boolean().optional(),
        /** Pause between two probes, ms. */
        everyMs: z.number().int().min(10).max(60_000).optional(),
      })
      .strict()
      .optional(),
    /**
     * HTTP level: after each layout's segment, autocannon drives a small tenant-aware HTTP service
     * (loopback) answering recent-orders from the layout's router; end-to-end P50/P99 per layout.
     */
    http: z
      .object({
        connections: positiveInt.max(10_000).optional(),
        durationSeconds: z.number().positive().max(3600).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const sweepCounts = z.array(positiveInt.max(100_000)).min(1);
/**
 * Tenant-scale sweep (`all` runs one step per tenant count, every step at the same total `rows`;
 * `tenants.count` is then only what the single-run commands use). Checks beyond types: sweep-config.ts.
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
  })
  .strict();

/**
 * The scenario file format (YAML or JSON). Strict: an unknown field is an error, so a typo never
 * silently falls back to a default. Defaults live in `scenario-defaults.ts`, not here.
 */
export const scenarioFileSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "-" and "_"')
      .optional(),
    description: z.string().optional(),
    /** PRNG seed: same scenario + seed = same rows, byte for byte. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    tenants: z
      .object({
        count: positiveInt.max(100_000),
        sizes: sizesSchema.optional(),
      })
      .strict(),
    /** Total rows over the tenant-owned tables (customers, products, orders, order_items). */
    rows: positiveInt.max(2_000_000_000),
    layouts: z.array(z.enum(LAYOUT_NAMES)).min(1).optional(),
    layoutOptions: z
      .object({
        schema: z
          .object({
            /** A role per tenant with USAGE on its own schema only, switched with SET LOCAL ROLE. */
            rolePerTenant: z.boolean().optional(),
          })
          .strict()
          .optional(),
        database: z
          .object({
            /** Global cap on server connections held by the database-per-tenant router. */
            maxConnections: positiveInt.max(10_000).optional(),
          })
          .strict()
          .optional(),
        hybrid: z
          .object({
            /** How many of the largest tenants form the dedicated (enterprise) tier. */
            dedicated: z.number().int().min(0).optional(),
            /** Explicit dedicated tenants by slug (t0001...), instead of the largest ones. */
            dedicatedTenants: z
              .array(z.string().regex(/^t\d{4,}$/))
              .superRefine(uniqueTenantSlugs)
              .optional(),
            /** Where the dedicated tier lives. */
            placement: z.enum(['schema', 'database']).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    workload: workloadSchema.optional(),
    /** Capacity: the workload in open loop at increasing rates, per layout, against a P99 target (rate-sweep-schema.ts). */
    rateSweep: rateSweepSchema.optional(),
    /** Drive the workload through a connection pooler the harness starts (src/pooler/). */
    pooler: poolerSchema.optional(),
    sweep: sweepSchema.optional(),
    seeding: z
      .object({
        /** Concurrent COPY streams while loading the per-tenant layouts. */
        concurrency: positiveInt.max(64).optional(),
        /** Copy the rls database from the shared one with CREATE DATABASE ... TEMPLATE when both are seeded. */
        templateCopy: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ScenarioFile = z.infer<typeof scenarioFileSchema>;
export type TenantSizes = z.infer<typeof sizesSchema>;
export type TenantChoice = z.infer<typeof tenantChoiceSchema>;
export type SweepFile = z.infer<typeof sweepSchema>;
