import { DATA_SPAN_MS, DATA_START_MS, tenantPredicates } from '../workload-query.js';
import type { WorkloadQuery } from '../workload-query.js';

/**
 * The "typical SELECT with a tenant filter and a join": a page of the tenant's orders before a
 * cursor time, newest first, with their customers. 50 rows (the seed article's page size);
 * the cursor is random over the data's two years so pages differ from request to request.
 */
export const recentOrders: WorkloadQuery = {
  name: 'recent-orders',
  description: 'a page of 50 orders before a time, newest first, joined to their customers',
  writes: false,
  sql: (shape) => ({
    text:
      'SELECT o.id, o.created_at, o.status, o.total, c.name, c.email FROM orders o ' +
      `JOIN customers c ON c.id = o.customer_id${tenantPredicates(shape, 2, 'c')} ` +
      `WHERE o.created_at < $1${tenantPredicates(shape, 2, 'o')} ORDER BY o.created_at DESC LIMIT 50`,
    tenantParam: shape.tenantFilter,
  }),
  params: (_tenant, rnd) => [new Date(DATA_START_MS + Math.floor(rnd() * DATA_SPAN_MS)).toISOString()],
};
