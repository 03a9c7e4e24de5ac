import type { QueryName } from '../config/query-names.js';
import { compileCustomQuery } from './custom-query.js';
import type { CustomQueries } from './custom-query.js';
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

/** A built-in query, else one the scenario declares (their names never clash: custom-query-schema.ts), else undefined. */
export function queryNamed(name: string, custom?: CustomQueries): WorkloadQuery | undefined {
  if (Object.hasOwn(QUERIES, name)) return QUERIES[name as QueryName];
  const spec = custom?.specs.find((q) => q.name === name);
  return spec && compileCustomQuery(spec, custom!.seed);
}

export type { QueryName };
export { QUERY_NAMES } from '../config/query-names.js';
