import { DATA_SPAN_MS, DATA_START_MS, tenantPredicates } from '../workload-query.js';
import type { WorkloadQuery } from '../workload-query.js';

/** 30 days: a monthly report. */
const WINDOW_MS = 30 * 24 * 3600 * 1000;

/**
 * A report: orders and revenue per status over a 30-day window of the tenant's orders and their
 * items (an aggregate whose cost grows with the tenant's size: what a noisy neighbour runs).
 */
export const orderReport: WorkloadQuery = {
  name: 'order-report',
  description: 'orders and revenue per status over a 30-day window (orders joined to items)',
  writes: false,
  sql: (shape) => ({
    text:
      'SELECT o.status, count(DISTINCT o.id) AS orders, sum(i.quantity * i.unit_price) AS revenue, min(o.id) AS min_id, max(o.id) AS max_id ' +
      `FROM orders o JOIN order_items i ON i.order_id = o.id${tenantPredicates(shape, 3, 'i')} ` +
      `WHERE o.created_at >= $1 AND o.created_at < $2${tenantPredicates(shape, 3, 'o')} GROUP BY o.status ORDER BY o.status`,
    tenantParam: shape.tenantFilter,
  }),
  params: (_tenant, rnd) => {
    const from = DATA_START_MS + Math.floor(rnd() * (DATA_SPAN_MS - WINDOW_MS));
    return [new Date(from).toISOString(), new Date(from + WINDOW_MS).toISOString()];
  },
};
