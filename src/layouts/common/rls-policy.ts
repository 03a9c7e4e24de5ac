import type { Queryable } from '../../db/types.js';
import { ident, assertUuid, literal } from '../../db/sql.js';
import { TENANT_TABLES } from '../../../seed/tenant-plan.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';

/** The custom setting that carries the tenant of the current transaction. */
export const TENANT_SETTING = 'app.tenant_id';

/**
 * The policy predicate. `current_setting(name, true)` returns NULL when the setting was never set
 * and '' after a transaction-local SET ended in this session; NULLIF turns both into NULL, and
 * `tenant_id = NULL` is never true: no context means no rows, never all rows. The expression is
 * STABLE, so the planner evaluates it once and can use it as an index condition on tenant_id.
 */
export function policyPredicate(column: string): string {
  return `${column} = NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid`;
}

/**
 * ENABLE and FORCE row level security on the pooled tables (FORCE so the table owner is subject to
 * it too), with one policy for all commands: USING filters what is read, updated and deleted;
 * WITH CHECK refuses writing a row for another tenant.
 */
export async function enableRls(c: Queryable, schema = 'public'): Promise<void> {
  const tables: [string, string][] = [['tenants', 'id'], ...TENANT_TABLES.map((t): [string, string] => [t, 'tenant_id'])];
  for (const [table, column] of tables) {
    const q = `${ident(schema)}.${ident(table)}`;
    await c.query(`ALTER TABLE ${q} ENABLE ROW LEVEL SECURITY`);
    await c.query(`ALTER TABLE ${q} FORCE ROW LEVEL SECURITY`);
    await c.query(
      `CREATE POLICY tenant_isolation ON ${q} FOR ALL USING (${policyPredicate(column)}) WITH CHECK (${policyPredicate(column)})`,
    );
  }
}

/** Transaction-local tenant context (`is_local = true`): it ends with the transaction. */
export function rlsContextSql(t: TenantPlan): string {
  return `SELECT set_config(${literal(TENANT_SETTING)}, ${literal(assertUuid(t.id))}, true)`;
}

/** Session-level (is_local = false) RLS context: it lasts as long as the server session. */
export function rlsSessionContextSql(t: TenantPlan): string {
  return `SELECT set_config(${literal(TENANT_SETTING)}, ${literal(assertUuid(t.id))}, false)`;
}
