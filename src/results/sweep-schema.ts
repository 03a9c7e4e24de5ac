import { z } from 'zod';
import { LAYOUT_NAMES } from '../config/scenario-schema.js';
import { bytes, notMeasuredSchema, seconds } from './measure-schemas.js';

/**
 * The `sweep` section of summary.json: a tenant-scale sweep (`all` on a scenario with `sweep`),
 * one entry per step (tenant count, same total rows), each cost per layout. A figure a step did
 * not measure is null with the reason in `notes`, never 0.
 */
const ms = z.number().nonnegative().nullable().describe('milliseconds; null when not measured');
const count = z.number().int().nonnegative();

export const sweepLayoutSchema = z.object({
  status: z.enum(['ok', 'failed', 'not-run']),
  reason: z.string().nullable().describe('why it failed or did not run'),
  seedSeconds: seconds.nullable().describe('seed wall clock: provision + load + index + analyze'),
  rows: count.nullable(),
  pgClassRows: count.nullable().describe("pg_class rows over the layout's databases (as seeded)"),
  catalogBytes: bytes.nullable().describe("catalog relations over the layout's databases"),
  databases: count.nullable(),
  catalogCache: z
    .object({
      backends: z.number().int().positive().describe('backends measured: one per database'),
      relationsTouched: count,
      bytesBefore: bytes.describe('CacheMemoryContext and children right after connecting, summed over the backends'),
      bytesAfter: bytes.describe('... after planning a query on every tenant table, summed over the backends'),
      totalBytesAfter: bytes
        .optional()
        .describe(
          'all memory contexts of the backends (pg_backend_memory_contexts, read on the connection that touched the tables), summed',
        ),
    })
    .nullable()
    .describe('backend catalog cache memory after touching every tenant (pg_backend_memory_contexts)'),
  workload: z
    .object({
      p50Ms: ms,
      p99Ms: ms,
      count: count.describe('successful requests in the measured windows'),
      errors: count,
      throughputPerS: z.number().nonnegative().nullable(),
      valid: z.boolean(),
    })
    .nullable()
    .describe('every query of the mix together, over the valid repeats'),
  migration: z
    .object({
      status: z.enum(['ok', 'failed']),
      units: count.describe('units migrated: 1 for pooled tables, one per tenant schema or database'),
      parallel: z.number().int().positive(),
      sequentialSeconds: seconds.nullable().describe('one unit at a time (a single unit: the one run)'),
      parallelSeconds: seconds
        .nullable()
        .describe('`parallel` units at a time, after the one-at-a-time pass was undone (a single unit: the same run as sequentialSeconds)'),
    })
    .nullable(),
  tenantDump: z
    .union([
      z.object({
        status: z.enum(['ok', 'failed']).describe('ok only when restored into a fresh database and its checksum matched'),
        method: z.string(),
        tenant: z.string().describe('the largest tenant'),
        seconds: seconds.nullable(),
        bytes: bytes.nullable(),
        restoreSeconds: seconds.nullable(),
        error: z.string().nullable(),
      }),
      notMeasuredSchema,
    ])
    .nullable()
    .describe(
      'single-tenant backup (pg_dump where it can select one tenant; the shared baseline has no such pg_dump and uses the COPY export)',
    ),
  connections: z
    .object({
      cap: z
        .number()
        .int()
        .positive()
        .nullable()
        .describe("the router's global connection cap (database, hybrid); null for pooled routers"),
      opened: count,
      closed: count.describe('connections the router closed (least recently used ones evicted at the cap, and at the end)'),
      peakOpen: count.describe('most connections the router held at once'),
      serverPeak: count
        .nullable()
        .describe("most client backends on the layout's databases in pg_stat_activity (sampled every 50 ms during the workload)"),
    })
    .nullable()
    .describe('during the workload segment(s)'),
  fullDump: z
    .union([
      z.object({
        status: z.enum(['ok', 'failed']).describe('ok: pg_dump exited 0 and its archive lists a TABLE DATA entry per table (not restored)'),
        databases: count,
        seconds: seconds.nullable().describe('pg_dump -Fc of every database of the layout, one after the other'),
        bytes: bytes.nullable(),
        tablesLocked: count.describe('tables one pg_dump locks (ACCESS SHARE, one transaction): the most over the databases'),
        peakLocksSampled: count.nullable().describe("most pg_locks rows of pg_dump's backend, sampled every 100 ms"),
        lockSlotsPerLock: z
          .number()
          .int()
          .positive()
          .nullable()
          .describe('max_connections + autovacuum_max_workers + 1 + max_worker_processes + max_wal_senders + max_prepared_transactions'),
        requiredMaxLocksPerTransaction: count
          .nullable()
          .describe(
            'ceil(max(tablesLocked, peakLocksSampled) / lockSlotsPerLock): the least max_locks_per_transaction for this pg_dump alone',
          ),
        maxLocksPerTransaction: count.nullable().describe("the server's setting"),
        error: z.string().nullable(),
      }),
      notMeasuredSchema,
    ])
    .optional()
    .describe('whole-layout pg_dump (sweep.limits only)'),
  addTenant: z
    .union([
      z.object({
        status: z.enum(['ok', 'failed']),
        method: z.string().describe('what was created: a schema in the database, or a database'),
        seconds: seconds.nullable().describe('creating the tenant: schema or database, tables, keys, indexes (no data), committed'),
        error: z.string().nullable(),
      }),
      notMeasuredSchema,
    ])
    .optional()
    .describe('creating one more tenant at this tenant count (sweep.limits only; dropped afterwards)'),
  notes: z.array(z.string()).describe('what was not measured, and why'),
});

export const sweepStepSchema = z.object({
  tenants: z.number().int().positive(),
  rows: z.number().int().positive(),
  layouts: z.array(z.enum(LAYOUT_NAMES)).describe('layouts measured in this step'),
  status: z.enum(['ok', 'failed', 'not-run']),
  reason: z.string().nullable(),
  seconds: seconds.nullable().describe('wall clock of the step (seed to the last operation, drop excluded)'),
  datasetChecksum: z.string().nullable().describe("identical across the step's layouts, or the step failed"),
  harness: z
    .object({
      peakRssBytes: bytes.describe('highest resident set size of the harness process sampled during the step'),
      peakHeapUsedBytes: bytes,
      rssStartBytes: bytes,
      rssEndBytes: bytes,
      samples: z.number().int().positive(),
      sampleIntervalMs: z.number().positive(),
    })
    .nullable()
    .describe("the harness process's own memory (node process only: the server and pg_dump are separate processes)"),
  perLayout: z.partialRecord(z.enum(LAYOUT_NAMES), sweepLayoutSchema),
});

export const sweepSummarySchema = z.object({
  tenantCounts: z.array(z.number().int().positive()),
  rows: z.number().int().positive().describe('total rows in every step'),
  parallel: z.number().int().positive().describe('units migrated at once in the parallel pass'),
  databaseMaxConnections: z
    .number()
    .int()
    .positive()
    .describe("the database layout's connection cap (layoutOptions.database.maxConnections)"),
  serverMaxConnections: z.number().int().positive().nullable().describe("the server's max_connections"),
  limits: z
    .object({
      poolConnections: z.number().int().positive().describe('connections a pool would hold (backend memory is multiplied by it)'),
      memoryShareOfRam: z.number().positive().max(1),
      ramBytes: bytes.nullable().describe("the machine's RAM (environment capture)"),
      migrationSeconds: z.number().positive().describe('budget for a migration across all tenants'),
      dumpSeconds: z.number().positive().describe('budget for pg_dump of the whole layout'),
      migrateUpTo: z.number().int().positive().nullable().describe('steps above this tenant count did not migrate (time box)'),
    })
    .nullable()
    .optional()
    .describe('sweep.limits: the budgets the report finds crossing points for; null = no limit measurements'),
  steps: z.array(sweepStepSchema),
});

export type SweepSummary = z.infer<typeof sweepSummarySchema>;
export type SweepStepSummary = z.infer<typeof sweepStepSchema>;
export type SweepLayout = z.infer<typeof sweepLayoutSchema>;
