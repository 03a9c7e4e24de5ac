import type { ResolvedScenario } from '../../config/load-scenario.js';

/**
 * CONNECTION LIMIT of a login role that serves one tenant only (schema with a role per tenant, the
 * hybrid's dedicated tier in schemas): every connection the workload's router may open for that
 * tenant (its users, a noisy neighbour's) plus 10 for admin tools and probes, so one tenant's code
 * cannot take every connection of the server (the `connection-limit` probe).
 */
export function tenantConnectionLimit(scenario: ResolvedScenario): number {
  const w = scenario.workload;
  return w.users + (w.noisyNeighbour?.users ?? 0) + 10;
}
