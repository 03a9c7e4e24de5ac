import { z } from 'zod';

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

/**
 * The scenario file format (YAML or JSON). Strict: an unknown field is an error, so a typo never
 * silently falls back to a default. Defaults live in `scenario-defaults.ts`, not here.
 */
export const scenarioFileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "-" and "_"').optional(),
    description: z.string().optional(),
    /** PRNG seed: same scenario + seed = same rows, byte for byte. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
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
            dedicatedTenants: z.array(z.string().regex(/^t\d{4,}$/)).optional(),
            /** Where the dedicated tier lives. */
            placement: z.enum(['schema', 'database']).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
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
