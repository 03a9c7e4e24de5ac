import { z } from 'zod';

/**
 * The scenario's `pooler` field: the workload goes through a connection pooler the harness starts
 * (PgBouncer in transaction mode). Strict, like the rest of the scenario format. The defaults:
 * transaction mode, 4 server connections per (database, user) pair, fewer than the workload's users
 * so clients share them; the session-level leak demonstration on.
 */
export const poolerSchema = z
  .object({
    kind: z.enum(['pgbouncer']),
    /** Transaction mode: a server connection is lent for one transaction, then goes back to the pool. */
    poolMode: z.enum(['transaction']).default('transaction'),
    /** Server connections per (database, user) pair (PgBouncer's default_pool_size). */
    poolSize: z.number().int().positive().max(10_000).default(4),
    /** Client connections PgBouncer accepts (max_client_conn). */
    maxClientConn: z.number().int().positive().max(100_000).default(1000),
    /** Also run the session-level context variant (the leak demonstration) next to the per-transaction one. */
    sessionLevelDemo: z.boolean().default(true),
  })
  .strict();

/** The pooler block after validation and defaults. */
export type ResolvedPooler = Readonly<z.output<typeof poolerSchema>>;
