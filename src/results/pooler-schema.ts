import { z } from 'zod';
import { LAYOUT_NAMES } from '../config/scenario-schema.js';
import { leakProbesSchema } from './workload-schema.js';

const ms = z.number().nonnegative().nullable().describe('milliseconds; null when not measured');

/** One layout x context mode x route of the pooler scenario. */
export const poolerRowSchema = z.object({
  layout: z.enum(LAYOUT_NAMES),
  context: z
    .enum(['per-transaction', 'session-level'])
    .describe(
      "per-transaction: the layout's own router (BEGIN; set_config(..., true) / SET LOCAL); session-level: a session-level SET once per client connection, then BEGIN ... COMMIT",
    ),
  route: z.enum(['pgbouncer', 'direct']),
  expected: z.enum(['no leak', 'leak']).describe('what this combination is expected to show'),
  status: z.enum(['ok', 'failed', 'not measured']),
  reason: z.string().nullable().describe('why it failed or was not measured'),
  requests: z.number().int().nonnegative().nullable().describe('successful requests in the measured windows (valid repeats)'),
  errors: z.record(z.string(), z.number().int().nonnegative()).describe('failed requests by SQLSTATE (or "connection")'),
  p50Ms: ms,
  p99Ms: ms,
  throughputPerS: z.number().nonnegative().nullable(),
  valid: z.boolean().nullable().describe('false when a repeat was invalid (saturated generator...)'),
  leakProbes: leakProbesSchema.nullable().describe('read-type leak probes run through the same router during the measured windows'),
});

/** summary.pooler: the workload through PgBouncer and the leak demonstration. */
export const poolerSummarySchema = z.object({
  kind: z.literal('pgbouncer'),
  managed: z
    .boolean()
    .describe('true: started and stopped by the harness; false: an existing PgBouncer (--pgbouncer-address), whose settings are its own'),
  version: z.string().describe('pgbouncer --version'),
  binary: z.string().describe('the binary the harness ran, or the external PgBouncer'),
  poolMode: z.literal('transaction'),
  poolSize: z
    .number()
    .int()
    .positive()
    .describe('default_pool_size: server connections per (database, user) pair (applied only when managed)'),
  maxClientConn: z.number().int().positive(),
  settings: z.record(z.string(), z.string()).describe('the [pgbouncer] section the harness wrote'),
  preparedStatements: z.enum(['named', 'unnamed']).describe('statements through the pooler'),
  preparedReason: z.string(),
  workloadThroughPooler: z.boolean().describe('summary.workload holds the per-transaction segments measured through PgBouncer'),
  sessionLevelMix: z
    .record(z.string(), z.number())
    .nullable()
    .describe(
      'the read-only mix of the session-level segments (a leaked context would write into another tenant); null when they did not run',
    ),
  rows: z.array(poolerRowSchema),
  leaks: z.object({
    perTransaction: z
      .number()
      .int()
      .nonnegative()
      .describe('leaked probes with per-transaction context, any route: must be 0 (else exit 1)'),
    sessionLevelThroughPooler: z
      .number()
      .int()
      .nonnegative()
      .describe('leaked probes with session-level context through PgBouncer: the expected finding'),
    sessionLevelDirect: z
      .number()
      .int()
      .nonnegative()
      .describe('leaked probes with session-level context on direct connections (a connection per tenant): expected 0'),
  }),
});

export type PoolerSummary = z.infer<typeof poolerSummarySchema>;
export type PoolerRow = z.infer<typeof poolerRowSchema>;
