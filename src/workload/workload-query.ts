import type { TenantPlan } from '../../seed/tenant-plan.js';

/**
 * What the SQL text of a query may depend on, and nothing else: the layout decides it, the query
 * text is otherwise identical in every layout.
 */
export interface SqlShape {
  /** Add `tenant_id = $n` predicates: the shared baseline always, rls when asked (belt and braces). */
  readonly tenantFilter: boolean;
  /** The tables carry a tenant_id column (pooled tables): inserts must fill it. */
  readonly tenantColumn: boolean;
}

export interface QueryText {
  text: string;
  /** The tenant's uuid is appended as the last parameter. */
  tenantParam: boolean;
}

/** Random numbers in [0, 1) from the caller's deterministic stream. */
export type Rnd = () => number;

/** Ids a write may use: unique over every tenant, handed out by the driver (see `id-allocator.ts`). */
export interface IdSource {
  next(table: 'orders' | 'order_items'): number;
}

/**
 * One workload query. Adding one = one file in queries/ + one line in query-registry.ts + its name in config/query-names.ts.
 * `params` draws from the tenant's own id ranges and the dataset's value ranges, from `rnd`, so a
 * run is deterministic per scenario seed and identical across layouts.
 */
export interface WorkloadQuery {
  readonly name: string;
  readonly description: string;
  /** True when it writes (the driver then allocates ids before the run). */
  readonly writes: boolean;
  sql(shape: SqlShape): QueryText;
  params(tenant: TenantPlan, rnd: Rnd, ids: IdSource): unknown[];
}

/** Data timestamps lie in [2024-01-01, 2026-01-01) UTC (seed/generator.ts). */
export const DATA_START_MS = Date.UTC(2024, 0, 1);
export const DATA_SPAN_MS = 2 * 365 * 24 * 3600 * 1000;

/** A random own id of a table: ids are global and contiguous per tenant (seed/tenant-plan.ts). */
export function ownId(tenant: TenantPlan, table: 'customers' | 'products' | 'orders' | 'order_items', rnd: Rnd): number {
  const n = tenant.counts[table];
  return tenant.idStart[table] + (n > 0 ? Math.floor(rnd() * n) : 0);
}

/** `AND <alias>.tenant_id = $n` for each alias, or '' when the layout scopes by itself. */
export function tenantPredicates(shape: SqlShape, param: number, ...aliases: string[]): string {
  if (!shape.tenantFilter) return '';
  return aliases.map((a) => ` AND ${a}.tenant_id = $${param}`).join('');
}
