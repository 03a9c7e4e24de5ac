import { z } from 'zod';

/** summary.placement: tenants placed on several servers (absent with one server). */
export const placementServerSchema = z.object({
  name: z.string(),
  primary: z.boolean().describe("the pooled layouts, the schema layout, the hybrid's pooled tier and catalogs live on the primary"),
  kind: z.string().describe('embedded | url | testcontainers'),
  host: z.string(),
  port: z.number().int().positive(),
  serverVersion: z.string().nullable(),
  tenants: z.array(z.string()).describe("tenants whose own databases (database layout, hybrid's dedicated tier) the placement puts here"),
  databases: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe('databases of this run (its prefix) on this server at the end of the command; null = not measured'),
  tenantDatabases: z.number().int().nonnegative().nullable().describe('of which per-tenant databases'),
  databaseBytes: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe("bytes: pg_database_size summed over this run's databases on this server"),
});

export const placementSummarySchema = z.object({
  source: z
    .enum(['database-url', 'servers', 'placement-file'])
    .describe('--database-url given more than once, --servers N (embedded), or --placement FILE'),
  rule: z.enum(['round-robin', 'extra-servers']).describe('how tenants not assigned explicitly are placed'),
  routerCap: z.literal('per-server').describe('each server gets its own router with the whole layoutOptions.database.maxConnections cap'),
  servers: z.array(placementServerSchema),
  tenants: z.record(z.string(), z.string()).describe('tenant slug -> server name'),
  reason: z.string().nullable().describe('why the per-server figures are null, if they are'),
});

export type PlacementSummary = z.infer<typeof placementSummarySchema>;
