import type { LayoutName } from './scenario-schema.js';
import { LAYOUT_NAMES } from './scenario-schema.js';

/** The one place where scenario defaults live. */
export const scenarioDefaults = {
  seed: 42,
  sizes: { kind: 'uniform' } as const,
  layouts: [...LAYOUT_NAMES] as LayoutName[],
  schema: { rolePerTenant: false },
  /** 200 server connections for database-per-tenant: 1 for each of 100 tenants plus headroom. */
  database: { maxConnections: 200 },
  /** The largest 5% of tenants (at least 1) go to the dedicated tier. */
  hybrid: { dedicatedFraction: 0.05, placement: 'database' as 'schema' | 'database' },
  seeding: { concurrency: 2, templateCopy: true },
};
