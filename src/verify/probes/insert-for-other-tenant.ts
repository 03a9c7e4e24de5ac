import { inSession, UNUSED_ID, verdict } from '../probe-kit.js';
import { foreignRows, SHARED_BASELINE } from '../probe.js';
import type { Probe, ProbeEnv } from '../probe.js';
import type { Script } from '../probe-kit.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';

/** A new customer row for `owner`, returning id and tenant_id (pooled tables only). */
export function insertCustomer(s: Script, owner: TenantPlan, id: number) {
  return s.try(
    `INSERT INTO customers (tenant_id, id, name, email, country, segment, created_at, attrs)
     VALUES ($1, $2, 'tenantbench probe', $3, 'US', 'smb', now(), '{}') RETURNING id, tenant_id::text AS tenant_id`,
    [owner.id, id, `probe.${id}@tenantbench.invalid`],
  );
}

export const pooledOnly = (env: ProbeEnv) => env.pooled;

/** INSERT a row carrying another tenant's tenant_id: WITH CHECK must refuse it. */
export const insertForOtherTenant: Probe = {
  id: 'insert-for-other-tenant',
  description: "insert a row carrying another tenant's tenant_id (WITH CHECK)",
  appliesTo: pooledOnly,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const own = await insertCustomer(s, env.self, UNUSED_ID);
      const other = await insertCustomer(s, env.victim, UNUSED_ID + 1);
      return verdict({
        write: true,
        foreign: other.ok ? foreignRows(env, 'customers', other.rows) : 0,
        controlOk: own.ok && own.rowCount === 1,
        controlText: 'inserting a row for the tenant itself succeeds',
        sql: s.sql,
        expected: 'refused (SQLSTATE 42501, row-level security WITH CHECK)',
        sqlstate: other.ok ? null : other.sqlstate,
        documented: env.appFilter ? SHARED_BASELINE : undefined,
      });
    }),
};
