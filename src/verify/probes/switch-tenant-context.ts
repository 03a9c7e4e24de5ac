import { ident, literal } from '../../db/sql.js';
import { inSession, observation } from '../probe-kit.js';
import { foreignRows, ownerCols } from '../probe.js';
import type { Probe, ProbeEnv } from '../probe.js';
import { contextLayouts } from './no-tenant-context.js';

const EXPLAIN =
  'the tenant context is state of the session, and the application role may change it: any SQL that runs as the application ' +
  '(an injection, a bug, a report tool) can become another tenant. Isolation driven by a setting or search_path protects ' +
  'against forgotten filters, not against code running as the application role; closing that needs per-tenant login ' +
  'roles (or a database per tenant) and no way to switch';

function switchSql(env: ProbeEnv): string {
  const v = env.victim;
  if (env.contextKind === 'setting') return `SELECT set_config('app.tenant_id', ${literal(v.id)}, true)`;
  const path = `SELECT set_config('search_path', ${literal(ident(env.schemaOf(v)))}, true)`;
  return env.contextKind === 'role' ? `${path}; SET LOCAL ROLE ${ident(env.roleOf(v))}` : path;
}

/**
 * Inside a scoped session, set the context to another tenant. Reported as a finding (with the
 * reason) when it works: that is what a setting-driven boundary is, not a pass.
 */
export const switchTenantContext: Probe = {
  id: 'switch-tenant-context',
  description: 'change the tenant context from inside the session to another tenant',
  appliesTo: contextLayouts,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const cols = ownerCols(env.pooled);
      const before = await s.try(`SELECT ${cols} FROM orders`);
      const expected = "switching refused, or a finding: the other tenant's rows become visible";
      if (before.ok && foreignRows(env, 'orders', before.rows) > 0) {
        return observation('leaked', s.sql, expected, {
          rowsSeen: foreignRows(env, 'orders', before.rows),
          detail: 'other tenants visible before any switch',
        });
      }
      const sw = await s.try(switchSql(env));
      const after = sw.ok ? await s.try(`SELECT ${cols} FROM orders`) : sw;
      const foreign = after.ok ? foreignRows(env, 'orders', after.rows) : 0;
      if (foreign > 0)
        return observation('finding', s.sql, expected, {
          rowsSeen: foreign,
          detail: `after the switch the session sees ${foreign} rows of ${env.victim.slug}: ${EXPLAIN}`,
        });
      return observation('blocked', s.sql, expected, {
        rowsSeen: 0,
        sqlstate: after.ok ? undefined : (after.sqlstate ?? undefined),
        detail: after.ok ? 'switch had no effect' : after.message,
      });
    }),
};
