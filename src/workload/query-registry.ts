import type { QueryName } from '../config/query-names.js';
import { createOrder } from './queries/create-order.js';
import { orderReport } from './queries/order-report.js';
import { orderSearch } from './queries/order-search.js';
import { pointLookup } from './queries/point-lookup.js';
import { recentOrders } from './queries/recent-orders.js';
import type { WorkloadQuery } from './workload-query.js';

/** Query name -> query. Adding a query = one file in queries/ + one line here + its name in config/query-names.ts. */
export const QUERIES = {
  'recent-orders': recentOrders,
  'point-lookup': pointLookup,
  'order-report': orderReport,
  'order-search': orderSearch,
  'create-order': createOrder,
} as const satisfies Record<QueryName, WorkloadQuery>;

export type { QueryName };
export { QUERY_NAMES } from '../config/query-names.js';
