/**
 * The RLS policy forms (issue 16): the same isolation written the ways people write it, so their
 * cost can be measured on the same rows. Every form keeps ENABLE + FORCE and one FOR ALL policy
 * (`tenant_isolation`) with USING and WITH CHECK on every pooled table; they differ in how the
 * policy finds the current tenant, or (no-index) in the index under the policy column.
 *
 * - setting: `tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid` (the default,
 *   as before). STABLE: evaluated once, usable as an index condition.
 * - function-stable: `tenant_id = tenantbench_tenant_stable('app.tenant_id')`, a plpgsql STABLE
 *   function (plpgsql is never inlined): usable as an index condition, called per scan.
 * - function-volatile: the same function declared VOLATILE: never an index condition, called per
 *   row as a filter.
 * - subquery: `tenant_id = (SELECT tenantbench_tenant_volatile('app.tenant_id'))`: the volatile
 *   function wrapped in a scalar subquery, which the planner evaluates once (an InitPlan) and then
 *   uses as an index condition (`tenant_id = $0`), the `(select auth.uid())` advice.
 * - membership: `tenant_id IN (SELECT m.tenant_id FROM memberships m WHERE m.member =
 *   NULLIF(current_setting('app.user', true), ''))`: the tenant comes from the user's memberships
 *   (MEMBERS_PER_TENANT members per tenant, each in exactly one tenant, seeded from the tenants
 *   table); the router sets app.user as well as app.tenant_id.
 * - no-index: the setting policy, with `orders_created_at_idx` rebuilt without its leading
 *   tenant_id as `orders_created_at_notenant_idx (created_at DESC)`: the index the headline join
 *   (recent-orders) walks. The primary and unique keys keep their leading tenant_id (foreign keys
 *   reference them), so the point lookup's (tenant_id, id) key is unchanged.
 *
 * Applying a form from any other is idempotent (applyPolicyForm): drop the policies, put back (or
 * take away) the index, create what the form needs, create the policies. Rows are never touched.
 */
import { assertUuid, ident, literal } from '../../db/sql.js';
import type { Queryable } from '../../db/types.js';
import { TENANT_TABLES } from '../../../seed/tenant-plan.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { enableRls, policyPredicate, TENANT_SETTING } from '../common/rls-policy.js';
import type { PolicyForm } from './policy-form-names.js';

/** The custom setting naming the user whose memberships the membership form reads. */
export const USER_SETTING = 'app.user';
/** Members seeded per tenant (each member belongs to one tenant only). */
export const MEMBERS_PER_TENANT = 4;
export const STABLE_FN = 'tenantbench_tenant_stable';
export const VOLATILE_FN = 'tenantbench_tenant_volatile';
export const POLICY_NAME = 'tenant_isolation';

/** The index the no-index form rebuilds without its leading tenant_id (seed/dataset.ts names it). */
export const NO_INDEX = {
  table: 'orders',
  tenantIndex: { name: 'orders_created_at_idx', columns: 'tenant_id, created_at DESC' },
  plainIndex: { name: 'orders_created_at_notenant_idx', columns: 'created_at DESC' },
} as const;

/** The user the application acts as for a tenant under the membership form: its first member. */
export function appUser(t: Pick<TenantPlan, 'slug'>): string {
  return `${t.slug}-member-1`;
}

/** The USING / WITH CHECK predicate of one form on one column (`tenant_id`, or `id` of tenants). */
export function formPredicate(form: PolicyForm, column: string): string {
  const setting = literal(TENANT_SETTING);
  switch (form) {
    case 'setting':
    case 'no-index':
      return policyPredicate(column);
    case 'function-stable':
      return `${column} = ${STABLE_FN}(${setting})`;
    case 'function-volatile':
      return `${column} = ${VOLATILE_FN}(${setting})`;
    case 'subquery':
      return `${column} = (SELECT ${VOLATILE_FN}(${setting}))`;
    case 'membership':
      return `${column} IN (SELECT m.tenant_id FROM memberships m WHERE m.member = NULLIF(current_setting(${literal(USER_SETTING)}, true), ''))`;
  }
}

/** The two non-inlinable functions (plpgsql), STABLE and VOLATILE, reading a setting as a uuid. */
export function functionsDdl(schema = 'public'): string[] {
  return (['STABLE', 'VOLATILE'] as const).map(
    (v) =>
      `CREATE OR REPLACE FUNCTION ${ident(schema)}.${v === 'STABLE' ? STABLE_FN : VOLATILE_FN}(setting text) RETURNS uuid ` +
      `LANGUAGE plpgsql ${v} AS $$ BEGIN RETURN NULLIF(current_setting(setting, true), '')::uuid; END $$`,
  );
}

/**
 * The memberships table: MEMBERS_PER_TENANT members per tenant, derived from the tenants table
 * (so identical wherever the tenants are). Under its own RLS, a user sees only its own rows; the
 * application role may only read it (a member inserting itself into another tenant would be a hole).
 */
export function membershipsDdl(appRole: string, schema = 'public'): string[] {
  const m = `${ident(schema)}.memberships`;
  return [
    `CREATE TABLE IF NOT EXISTS ${m} (member text NOT NULL, tenant_id uuid NOT NULL REFERENCES ${ident(schema)}.tenants (id), PRIMARY KEY (member, tenant_id))`,
    `TRUNCATE ${m}`,
    `INSERT INTO ${m} (member, tenant_id) SELECT t.slug || '-member-' || k, t.id FROM ${ident(schema)}.tenants t, generate_series(1, ${MEMBERS_PER_TENANT}) k ORDER BY 1`,
    `ALTER TABLE ${m} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${m} FORCE ROW LEVEL SECURITY`,
    `DROP POLICY IF EXISTS member_self ON ${m}`,
    `CREATE POLICY member_self ON ${m} FOR ALL USING (member = NULLIF(current_setting(${literal(USER_SETTING)}, true), '')) WITH CHECK (false)`,
    `REVOKE ALL ON ${m} FROM ${ident(appRole)}`,
    `GRANT SELECT ON ${m} TO ${ident(appRole)}`,
    `ANALYZE ${m}`,
  ];
}

/** The pooled tables and their policy column. */
function policyTables(): [string, string][] {
  return [['tenants', 'id'], ...TENANT_TABLES.map((t): [string, string] => [t, 'tenant_id'])];
}

/** The index statements that take the tables to `form`'s index (either way; no-op when already there). */
export function indexDdl(form: PolicyForm, schema = 'public'): string[] {
  const t = `${ident(schema)}.${ident(NO_INDEX.table)}`;
  const { tenantIndex: on, plainIndex: off } = NO_INDEX;
  const [drop, create] = form === 'no-index' ? [on, off] : [off, on];
  return [
    `CREATE INDEX IF NOT EXISTS ${ident(create.name)} ON ${t} (${create.columns})`,
    `DROP INDEX IF EXISTS ${ident(schema)}.${ident(drop.name)}`,
  ];
}

/**
 * Every statement that takes an RLS database from any form to `form` (ENABLE + FORCE included, so
 * it also serves the first seeding). The memberships table exists only under the membership form.
 */
export function policyFormDdl(form: PolicyForm, appRole: string, schema = 'public'): string[] {
  const out: string[] = [];
  for (const [table] of policyTables()) out.push(`DROP POLICY IF EXISTS ${POLICY_NAME} ON ${ident(schema)}.${ident(table)}`);
  out.push(...indexDdl(form, schema));
  if (form === 'function-stable' || form === 'function-volatile' || form === 'subquery') out.push(...functionsDdl(schema));
  out.push(...(form === 'membership' ? membershipsDdl(appRole, schema) : [`DROP TABLE IF EXISTS ${ident(schema)}.memberships`]));
  for (const [table, column] of policyTables()) {
    const q = `${ident(schema)}.${ident(table)}`;
    const p = formPredicate(form, column);
    out.push(
      `ALTER TABLE ${q} ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE ${q} FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY ${POLICY_NAME} ON ${q} FOR ALL USING (${p}) WITH CHECK (${p})`,
    );
  }
  return out;
}

/** Apply `form` in one transaction (the tables keep their rows; a failure leaves the old form). */
export async function applyPolicyForm(c: Queryable, form: PolicyForm, appRole: string, schema = 'public'): Promise<void> {
  await c.query('BEGIN');
  try {
    for (const sql of policyFormDdl(form, appRole, schema)) await c.query(sql);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  }
}

/** The transaction-local context a form needs: the tenant, and under membership the user as well. */
export function formContextSql(form: PolicyForm, local = true): (t: TenantPlan) => string {
  return (t) => {
    const tenant = `set_config(${literal(TENANT_SETTING)}, ${literal(assertUuid(t.id))}, ${local})`;
    return form === 'membership'
      ? `SELECT ${tenant}, set_config(${literal(USER_SETTING)}, ${literal(appUser(t))}, ${local})`
      : `SELECT ${tenant}`;
  };
}

/**
 * The policies of a freshly seeded RLS database under `form`, after the application role's grants
 * (the membership form narrows them on its table). The default form runs enableRls, as always.
 */
export async function createPolicies(c: Queryable, form: PolicyForm, appRole: string): Promise<void> {
  if (form === 'setting') await enableRls(c);
  else await applyPolicyForm(c, form, appRole);
}
