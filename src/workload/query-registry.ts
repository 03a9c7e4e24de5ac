import { createOrder } from './queries/create-order.js';
import { orderReport } from './queries/order-report.js';
import { orderSearch } from './queries/order-search.js';
import { pointLookup } from './queries/point-lookup.js';
import { recentOrders } from './queries/recent-orders.js';
import type { WorkloadQuery } from './workload-query.js';

/** Query name -> query. Adding a query = one file in queries/ + one line here. */
export const QUERIES = {
  'recent-orders': recentOrders,
  'point-lookup': pointLookup,
  'order-report': orderReport,
  'order-search': orderSearch,
  'create-order': createOrder,
} as const satisfies Record<string, WorkloadQuery>;

export type QueryName = keyof typeof QUERIES;
export const QUERY_NAMES = Object.keys(QUERIES) as QueryName[];
