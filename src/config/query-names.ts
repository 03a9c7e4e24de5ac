/**
 * The workload query names a scenario's `workload.mix` and `noisyNeighbour.query` may use, in the
 * registry's order. Names only: config/ validates a scenario without loading the queries.
 * src/workload/query-registry.ts maps each name to its query, and the compiler holds the two to the
 * same names (adding a query = one file in workload/queries/ + its name here + one registry line).
 */
export const QUERY_NAMES = ['recent-orders', 'point-lookup', 'order-report', 'order-search', 'create-order'] as const;

export type QueryName = (typeof QUERY_NAMES)[number];
