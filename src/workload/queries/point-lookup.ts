import { ownId, tenantPredicates } from '../workload-query.js';
import type { WorkloadQuery } from '../workload-query.js';

/** One order by primary key, one of the tenant's own ids: the cheapest query, so scoping overhead shows most. */
export const pointLookup: WorkloadQuery = {
  name: 'point-lookup',
  description: 'one order by primary key',
  writes: false,
  sql: (shape) => ({
    text: `SELECT o.id, o.customer_id, o.status, o.total, o.created_at, o.metadata FROM orders o WHERE o.id = $1${tenantPredicates(shape, 2, 'o')}`,
    tenantParam: shape.tenantFilter,
  }),
  params: (tenant, rnd) => [ownId(tenant, 'orders', rnd)],
};
