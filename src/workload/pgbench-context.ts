import { ident, literal } from '../db/sql.js';
import type { TenantLocation } from '../layouts/layout.js';
import { rlsContextSql } from '../layouts/common/rls-policy.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';

/**
 * The transaction-local tenant context a pgbench script sets after BEGIN, from the layout's answer
 * to "how is this tenant scoped" (TenantLocation.context): the same statements the layouts' routers
 * run, so pgbench's transactions do what tenantbench's do. '' when the connection itself is the
 * context (its database) or the application filters (shared).
 */
export function transactionContextSql(loc: TenantLocation, t: TenantPlan): string {
  switch (loc.context) {
    case 'setting':
      return rlsContextSql(t);
    case 'search_path':
    case 'role': {
      // pg_temp last so a temporary table could never shadow the tenant's tables (schema-layout.ts).
      const path = `SELECT set_config('search_path', ${literal(`${ident(loc.schema)}, pg_temp`)}, true)`;
      return loc.context === 'role' ? `${path}; SET LOCAL ROLE ${ident(loc.tenantRole)}` : path;
    }
    case 'database':
    case 'none':
      return '';
  }
}
