import { inSession, UNUSED_ID, verdict } from '../probe-kit.js';
import { foreignRows, SHARED_BASELINE } from '../probe.js';
import type { Probe } from '../probe.js';
import { insertCustomer, pooledOnly } from './insert-for-other-tenant.js';

/**
 * UPDATE an own row's tenant_id to another tenant (WITH CHECK on UPDATE). The row is a customer the
 * probe inserts first, so no foreign key referencing it can be what refuses the move.
 */
export const moveRowToOtherTenant: Probe = {
  id: 'move-row-to-other-tenant',
  description: 'move an own row to another tenant by updating tenant_id (WITH CHECK)',
  appliesTo: pooledOnly,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const own = await insertCustomer(s, env.self, UNUSED_ID + 2);
      const moved = await s.try(
        `UPDATE customers SET tenant_id = $1 WHERE id = $2${env.appFilter ? ' AND tenant_id = $3' : ''} RETURNING id, tenant_id::text AS tenant_id`,
        [env.victim.id, UNUSED_ID + 2, ...(env.appFilter ? [env.self.id] : [])],
      );
      return verdict({
        write: true,
        foreign: moved.ok ? foreignRows(env, 'customers', moved.rows) : 0,
        controlOk: own.ok && own.rowCount === 1,
        controlText: 'inserting the own row to move succeeds',
        sql: s.sql,
        expected: 'refused (SQLSTATE 42501, row-level security WITH CHECK on UPDATE)',
        sqlstate: moved.ok ? null : moved.sqlstate,
        documented: env.appFilter ? SHARED_BASELINE : undefined,
      });
    }),
};
