import { z } from 'zod';
import { LAYOUT_NAMES } from '../config/scenario-schema.js';
import { policyFormsSummarySchema } from './policy-forms-schema.js';
import { capacitySummarySchema } from './capacity-schema.js';
import { headlineSummarySchema, stageTimingSchema } from './headline-schema.js';
import { isolationSchema } from './isolation-schema.js';
import { layoutBackupSchema } from './backup-schema.js';
import { layoutConnectionsSchema } from './connections-schema.js';
import { layoutExtractionSchema } from './extraction-schema.js';
import { layoutMigrationSchema } from './migration-schema.js';
import { placementSummarySchema } from './placement-schema.js';
import { poolerSummarySchema } from './pooler-schema.js';
import { sizesDetailSchema } from './sizes-schema.js';
import { sweepSummarySchema } from './sweep-schema.js';
import { workloadSummarySchema } from './workload-schema.js';

/**
 * summary.json: the versioned, documented contract between a run and everything that reads it
 * (report, compare, CI). Bump SUMMARY_SCHEMA_VERSION on any breaking change. Unknown figures are
 * null, never 0. `npm run schema` writes the JSON Schema to results/summary.schema.json.
 */
export const SUMMARY_SCHEMA_VERSION = 1;

const seconds = z.number().nonnegative().describe('seconds');
const bytes = z.number().int().nonnegative().describe('bytes');

export const tableChecksumSchema = z.object({ rows: z.number().int().nonnegative(), hash: z.string() });

export const layoutSeedSchema = z.object({
  method: z
    .enum(['generator-copy', 'template-copy'])
    .describe('generator-copy: rows generated and streamed with COPY; template-copy: CREATE DATABASE ... TEMPLATE of another layout'),
  copiedFrom: z.enum(LAYOUT_NAMES).nullable(),
  seconds: z.object({
    provision: seconds.describe('create databases, roles, tables, policies, grants'),
    load: seconds.describe('COPY of the rows (or the template copy)'),
    index: seconds.describe('primary keys, unique keys, indexes, foreign keys'),
    analyze: seconds,
    checksum: seconds.describe('server-side checksum of every tenant (not part of total)'),
    total: seconds.describe('provision + load + index + analyze, wall clock'),
  }),
  rowsPerSecond: z.number().nonnegative().describe('rows / total seconds'),
  loadRowsPerSecond: z.number().nonnegative().nullable().describe('rows / load seconds'),
});

export const layoutSizesSchema = z.object({
  tableBytes: bytes.describe('heap (+ free space and visibility maps) of the tenant tables, without TOAST'),
  indexBytes: bytes,
  toastBytes: bytes,
  databaseBytes: bytes.describe('pg_database_size of every database the layout owns'),
  databases: z.number().int().nonnegative(),
  relations: z.number().int().nonnegative().describe("pg_class rows in the layout's namespaces"),
  detail: sizesDetailSchema.optional().describe('per tenant, per database and catalog figures (sizes operation)'),
});

export const layoutSummarySchema = z.object({
  status: z.enum(['ok', 'failed', 'not-run']),
  description: z.string(),
  reason: z.string().nullable().describe('why it failed or did not run'),
  rows: z.number().int().nonnegative().nullable(),
  checksum: z.string().nullable().describe('dataset checksum computed from this layout'),
  seed: layoutSeedSchema.nullable(),
  sizes: layoutSizesSchema.nullable(),
  migration: layoutMigrationSchema.nullable().optional().describe('the migrate operation; absent when it did not run'),
  backup: layoutBackupSchema.nullable().optional().describe('the backup operation; absent when it did not run'),
  extraction: layoutExtractionSchema.nullable().optional().describe('moving a tenant out; absent when it did not run'),
  connections: layoutConnectionsSchema.nullable().optional().describe('server connections at a concurrency; absent when not measured'),
});

export const datasetSchema = z.object({
  checksum: z.string().nullable().describe('checksum over every tenant; null until a layout was checked'),
  identicalAcrossLayouts: z.boolean().nullable(),
  layoutsCompared: z.array(z.enum(LAYOUT_NAMES)),
  mismatches: z.array(
    z.object({
      tenant: z.string(),
      layout: z.enum(LAYOUT_NAMES),
      table: z.string(),
      expectedRows: z.number().int(),
      rows: z.number().int().nullable(),
      hash: z.string().nullable(),
      referenceHash: z.string().nullable(),
    }),
  ),
  tenants: z.array(
    z.object({
      slug: z.string(),
      id: z.string(),
      plan: z.string(),
      rows: z.number().int(),
      checksum: z.string().nullable(),
    }),
  ),
});

export const summarySchema = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  runId: z.string(),
  command: z.string(),
  status: z.enum(['ok', 'failed', 'interrupted']),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  scenario: z.object({
    name: z.string(),
    tenants: z.number().int(),
    rows: z.number().int(),
    seed: z.number().int(),
    sizes: z.record(z.string(), z.unknown()),
    layouts: z.array(z.enum(LAYOUT_NAMES)),
  }),
  target: z.object({ kind: z.string(), serverVersion: z.string().nullable() }),
  dataset: datasetSchema,
  layouts: z.partialRecord(z.enum(LAYOUT_NAMES), layoutSummarySchema),
  isolation: isolationSchema.optional().describe('isolation probes (verify); absent when the command did not verify'),
  /** Latency and throughput per layout and query (`tenantbench run`); absent when no workload ran. */
  workload: workloadSummarySchema.optional(),
  placement: placementSummarySchema.optional().describe('tenants placed on several servers; absent with one server'),
  /** Capacity per layout from a rate sweep (`rateSweep:` in the scenario); absent when no sweep ran. */
  capacity: capacitySummarySchema.optional(),
  headline: headlineSummarySchema
    .optional()
    .describe('equal offered load below every capacity (headline: in the scenario); absent when it did not run'),
  stages: z.array(stageTimingSchema).optional().describe("the command's stages in order, with start and wall-clock seconds"),
  pooler: poolerSummarySchema
    .optional()
    .describe('the pooler scenario (PgBouncer, per-transaction vs session-level context); absent when no pooler ran'),
  sweep: sweepSummarySchema
    .optional()
    .describe('tenant-scale sweep (all on a scenario with sweep): every cost per step and layout; absent otherwise'),
  policyForms: policyFormsSummarySchema.optional().describe('absent when the scenario has no policyForms'),
});

export type Summary = z.infer<typeof summarySchema>;
export type LayoutSummary = z.infer<typeof layoutSummarySchema>;
export type DatasetSummary = z.infer<typeof datasetSchema>;

export function summaryJsonSchema(): unknown {
  return z.toJSONSchema(summarySchema, { target: 'draft-2020-12' });
}
