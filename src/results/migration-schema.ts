import { z } from 'zod';
import { notMeasuredSchema, seconds } from './measure-schemas.js';

export const migrationUnitSchema = z.object({
  unit: z.string().describe('"pooled" (the shared tables, migrated once) or the tenant slug (its schema or database)'),
  db: z.string(),
  schema: z.string(),
  status: z.enum(['ok', 'failed']),
  versionBefore: z.number().int().nonnegative().nullable().describe("migrations recorded in the unit's version table before the run"),
  versionAfter: z.number().int().nonnegative().nullable(),
  lastMigration: z.string().nullable(),
  applied: z.array(z.string()).describe('migrations applied by this run'),
  seconds,
  locksHeld: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe('most pg_locks rows the migration transaction held, sampled before its COMMIT'),
  error: z.string().nullable(),
  sqlstate: z.string().nullable(),
  deadlockRetries: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('attempts that lost a deadlock (40P01) against other sessions and were run again'),
});

const ms = z.number().nonnegative().nullable();
const latency = z.object({
  count: z.number().int().nonnegative().describe('requests recorded'),
  p50Ms: ms,
  p99Ms: ms,
  maxMs: ms,
  throughputPerS: z.number().nonnegative().nullable(),
  errorsBySqlstate: z.record(z.string(), z.number().int().positive()).describe('failed requests by SQLSTATE (or connection/client label)'),
});

export const migrationUnderLoadSchema = z.object({
  status: z.literal('measured'),
  mode: z.enum(['closed', 'open']).describe("workload mode (the scenario's)"),
  users: z.number().int().positive(),
  windowSeconds: seconds.describe(
    "measured window of each of the two segments (at least the quiet migration time x 4 + 1 s, and the scenario's durationSeconds)",
  ),
  migration: z.object({
    seconds: seconds.describe('wall clock of the migration re-applied while the workload ran'),
    quietSeconds: seconds.describe('the same migrations without load (the quiet figure of this layout)'),
    units: z.number().int().nonnegative(),
    unitsOk: z.number().int().nonnegative(),
    unitsFailed: z.number().int().nonnegative(),
    errorsBySqlstate: z
      .record(z.string(), z.number().int().positive())
      .describe('units that failed, and deadlocks a unit lost and then retried (40P01), by SQLSTATE'),
    startOffsetSeconds: z.number().describe('migration start, seconds after the measured window began'),
    endOffsetSeconds: z.number().describe('migration end, seconds after the measured window began'),
  }),
  coveredFraction: z
    .number()
    .min(0)
    .max(1)
    .describe("share of the migration's wall clock inside the measured window (1 = the load ran for all of it)"),
  quiet: latency.describe(
    'the same workload on the same layout without a migration, measured right before (same window, same request stream)',
  ),
  during: latency
    .extend({
      completedInside: z.number().int().nonnegative().describe('requests that both started and completed while the migration ran'),
    })
    .describe(
      'requests that overlapped the migration (completed after it began, started before it ended); throughput over the part of the migration inside the window',
    ),
  p99Ratio: z.number().nonnegative().nullable().describe('during.p99Ms / quiet.p99Ms'),
  lockWaits: z
    .object({
      intervalMs: z.number().positive(),
      samples: z.number().int().nonnegative().describe('pg_stat_activity samples taken while the migration ran'),
      samplesWithWaiters: z.number().int().nonnegative(),
      maxWaiting: z
        .number()
        .int()
        .nonnegative()
        .describe('most sessions with wait_event_type = Lock in one sample (workload and migration sessions)'),
      longestWaitMs: z
        .number()
        .nonnegative()
        .describe('longest lock wait seen (pg_locks.waitstart; before PostgreSQL 14: time since the waiting statement began)'),
    })
    .describe('lock waits sampled from pg_stat_activity during the migration'),
  valid: z.boolean().describe('both segments valid (load generator not saturated, target reachable)'),
  invalidReasons: z.array(z.string()),
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
  unitSeconds: z.object({ min: seconds, median: seconds, max: seconds, sum: seconds }).nullable().describe('per-unit seconds'),
  sequential: z
    .object({ seconds, unitSeconds: z.object({ min: seconds, median: seconds, max: seconds, sum: seconds }).nullable() })
    .nullable()
    .describe(
      'with --parallel N > 1: the same migrations applied one unit at a time first (then undone with the down migrations) in the same run; null otherwise',
    ),
  maxLocksHeld: z.number().int().nonnegative().nullable(),
  maxLocksPerTransaction: z.number().int().nullable().describe('server setting max_locks_per_transaction'),
  lockLimitErrors: z
    .number()
    .int()
    .nonnegative()
    .describe('units that failed with SQLSTATE 53200 (out of shared memory: max_locks_per_transaction)'),
  errorsBySqlstate: z.record(z.string(), z.number().int().positive()),
  oneTransactionLocks: z
    .object({
      relations: z.number().int().nonnegative().describe('tables locked'),
      locksHeld: z.number().int().nonnegative().describe('pg_locks rows held by that one transaction'),
      nominalCapacity: z
        .number()
        .int()
        .nonnegative()
        .nullable()
        .describe('max_locks_per_transaction * (MaxBackends + max_prepared_transactions): lock slots the server sized its lock table for'),
      status: z.enum(['ok', 'lock limit hit', 'failed']),
      sqlstate: z.string().nullable().describe('53200 when the lock table is full'),
      error: z.string().nullable(),
    })
    .nullable()
    .describe(
      'one transaction locking every tenant table of each database (what pg_dump does, and a migration of all tenants in one transaction would), rolled back',
    ),
  perUnit: z.array(migrationUnitSchema),
  underLoad: z
    .union([migrationUnderLoadSchema, notMeasuredSchema])
    .describe(
      'the migration re-applied (after the down migrations) while the scenario\'s workload runs, next to a quiet segment of the same layout; "not measured" with the reason when it did not run',
    ),
});

export type MigrationUnderLoad = z.infer<typeof migrationUnderLoadSchema>;
export type LayoutMigration = z.infer<typeof layoutMigrationSchema>;
export type MigrationUnitSummary = z.infer<typeof migrationUnitSchema>;
