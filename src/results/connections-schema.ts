import { z } from 'zod';
import { seconds } from './measure-schemas.js';

export const layoutConnectionsSchema = z.object({
  concurrency: z.number().int().positive().describe('sessions held at once by the probe'),
  sessions: z.number().int().nonnegative().describe('tenant sessions acquired (every tenant, round robin)'),
  peakOpen: z.number().int().nonnegative().describe('most server connections open at once (router stats)'),
  opened: z.number().int().nonnegative(),
  closed: z.number().int().nonnegative(),
  waits: z.number().int().nonnegative().describe('acquires that waited for a connection'),
  serverBackends: z.number().int().nonnegative().nullable().describe('tenantbench client backends seen in pg_stat_activity at the peak'),
  seconds,
});

export type LayoutConnections = z.infer<typeof layoutConnectionsSchema>;
