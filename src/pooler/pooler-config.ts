import { z } from 'zod';

/**
 * The scenario's `pooler` field: the workload goes through a connection pooler the harness starts
 * (PgBouncer in transaction mode). Strict, like the rest of the scenario format.
 */
export const poolerSchema = z
  .object({
    kind: z.enum(['pgbouncer']),
    /** Transaction mode: a server connection is lent for one transaction, then goes back to the pool. */
    poolMode: z.enum(['transaction']).optional(),
    /** Server connections per (database, user) pair (PgBouncer's default_pool_size). */
    poolSize: z.number().int().positive().max(10_000).optional(),
    /** Client connections PgBouncer accepts (max_client_conn). */
    maxClientConn: z.number().int().positive().max(100_000).optional(),
    /** Also run the session-level context variant (the leak demonstration) next to the per-transaction one. */
    sessionLevelDemo: z.boolean().optional(),
  })
  .strict();

export type PoolerFile = z.infer<typeof poolerSchema>;

export interface ResolvedPooler {
  readonly kind: 'pgbouncer';
  readonly poolMode: 'transaction';
  readonly poolSize: number;
  readonly maxClientConn: number;
  readonly sessionLevelDemo: boolean;
}

/** Apply the defaults (scenarioDefaults.pooler) to a validated block; null when absent. */
export function resolvePooler(p: PoolerFile | undefined, d: Omit<ResolvedPooler, 'kind'>): ResolvedPooler | null {
  if (!p) return null;
  return {
    kind: p.kind,
    poolMode: p.poolMode ?? d.poolMode,
    poolSize: p.poolSize ?? d.poolSize,
    maxClientConn: p.maxClientConn ?? d.maxClientConn,
    sessionLevelDemo: p.sessionLevelDemo ?? d.sessionLevelDemo,
  };
}
