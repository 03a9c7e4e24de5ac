import { z } from 'zod';
import { notMeasuredSchema, seconds } from './measure-schemas.js';

export const migrationUnitSchema = z.object({
  unit: z.string().describe('"pooled" (the shared tables, migrated once) or the tenant slug (its schema or database)'),
  db: z.string(),
  schema: z.string(),
  status: z.enum(['ok', 'failed']),
  versionBefore: z.number().int().nonnegative().nullable().describe('migrations recorded in the unit\'s version table before the run'),
  versionAfter: z.number().int().nonnegative().nullable(),
  lastMigration: z.string().nullable(),
  applied: z.array(z.string()).describe('migrations applied by this run'),
  seconds,
  locksHeld: z.number().int().nonnegative().nullable().describe('most pg_locks rows the migration transaction held, sampled before its COMMIT'),
  error: z.string().nullable(),
  sqlstate: z.string().nullable(),
});

export const layoutMigrationSchema = z.object({
  status: z.enum(['ok', 'failed']),
  tool: z.string().describe('migration tool and version'),
  migrations: z.array(z.string()).describe('the migration set, in order'),
  targetVersion: z.number().int().nonnegative().describe('version every unit should reach'),
  parallel: z.number().int().positive().describe('units migrated at once'),
  indexConcurrently: z.boolean().describe('the index step used CREATE INDEX CONCURRENTLY (outside a transaction)'),
  units: z.number().int().nonnegative(),
  unitsOk: z.number().int().nonnegative(),
  unitsFailed: z.number().int().nonnegative(),
  unitsAtTarget: z.number().int().nonnegative().describe('units whose version table is at targetVersion after the run'),
  seconds: seconds.describe('wall clock for every unit'),
  unitSeconds: z
    .object({ min: seconds, median: seconds, max: seconds, sum: seconds })
    .nullable()
    .describe('per-unit seconds'),
  sequential: z
    .object({ seconds, unitSeconds: z.object({ min: seconds, median: seconds, max: seconds, sum: seconds }).nullable() })
    .nullable()
    .describe('with --parallel N > 1: the same migrations applied one unit at a time first (then undone with the down migrations) in the same run; null otherwise'),
  maxLocksHeld: z.number().int().nonnegative().nullable(),
  maxLocksPerTransaction: z.number().int().nullable().describe('server setting max_locks_per_transaction'),
  lockLimitErrors: z.number().int().nonnegative().describe('units that failed with SQLSTATE 53200 (out of shared memory: max_locks_per_transaction)'),
  errorsBySqlstate: z.record(z.string(), z.number().int().positive()),
  oneTransactionLocks: z
    .object({
      relations: z.number().int().nonnegative().describe('tables locked'),
      locksHeld: z.number().int().nonnegative().describe('pg_locks rows held by that one transaction'),
      nominalCapacity: z.number().int().nonnegative().nullable().describe('max_locks_per_transaction * (MaxBackends + max_prepared_transactions): lock slots the server sized its lock table for'),
      status: z.enum(['ok', 'lock limit hit', 'failed']),
      sqlstate: z.string().nullable().describe('53200 when the lock table is full'),
      error: z.string().nullable(),
    })
    .nullable()
    .describe('one transaction locking every tenant table of each database (what pg_dump does, and a migration of all tenants in one transaction would), rolled back'),
  perUnit: z.array(migrationUnitSchema),
  underLoad: notMeasuredSchema.describe('migration while the workload runs'),
});

export type LayoutMigration = z.infer<typeof layoutMigrationSchema>;
export type MigrationUnitSummary = z.infer<typeof migrationUnitSchema>;
