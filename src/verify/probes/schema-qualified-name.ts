import { ident } from '../../db/sql.js';
import { inSession, observation } from '../probe-kit.js';
import { foreignRows } from '../probe.js';
import type { Probe, ProbeEnv } from '../probe.js';

/**
 * The tenant whose schema is the target: the victim when the tier keeps each tenant in its own
 * schema (the context is a search_path or a per-tenant role: the schema layout), else a tenant of
 * another tier kept in a schema of its own (hybrid's dedicated tier in schemas).
 */
function target(env: ProbeEnv) {
  if (env.contextKind === 'search_path' || env.contextKind === 'role') return env.victim;
  const v = env.crossVictim;
  return v && env.schemaOf(v) !== 'public' ? v : null;
}

const SHARED_ROLE =
  'documented: one application role has USAGE and DML on every tenant schema, so the schema boundary is a naming convention ' +
  '(search_path), not a guard; layoutOptions.schema.rolePerTenant makes it one';

const HYBRID_ROLE =
  "the hybrid's one application role serves the pooled tier and has USAGE and DML on the dedicated tier's schemas: " +
  "any pooled tenant's session reads a dedicated tenant's tables by their schema-qualified name";

/**
 * Name another tenant's table with its schema, bypassing search_path. With one shared role this
 * works by design (a finding); with a role per tenant it must be refused (42501).
 */
export const schemaQualifiedName: Probe = {
  id: 'schema-qualified-name',
  description: "read another tenant's table by its schema-qualified name",
  appliesTo: (env) => target(env) !== null,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const v = target(env)!;
      const schema = env.schemaOf(v);
      const own = await s.try(`SELECT id FROM ${ident(env.schemaOf(env.self))}.orders LIMIT 1`);
      const r = await s.try(`SELECT id FROM ${ident(schema)}.orders`);
      const usage = await s.run<{ usage: boolean }>('SELECT has_schema_privilege(current_user, $1, $2) AS usage', [schema, 'USAGE']);
      const foreign = r.ok ? foreignRows(env, 'orders', r.rows) : 0;
      const expected = 'refused (SQLSTATE 42501) with a role per tenant; with one shared role a documented finding';
      const sharedRole = env.contextKind !== 'role';
      if (foreign > 0) {
        // The target in another tier: the pooled tier's one role reaches the dedicated tier's schemas.
        const why = v === env.crossVictim ? HYBRID_ROLE : SHARED_ROLE;
        return observation(sharedRole ? 'finding' : 'leaked', s.sql, expected, {
          rowsSeen: foreign,
          detail: sharedRole ? why : `role ${env.roleOf(env.self)} reads ${schema}`,
        });
      }
      const sqlstate = r.ok ? undefined : (r.sqlstate ?? undefined);
      if (!own.ok || !own.rows.length)
        return observation('finding', s.sql, expected, {
          rowsSeen: 0,
          sqlstate,
          detail: "control failed: the tenant cannot read its own schema's table",
        });
      // Refused by the table's privileges, but a schema another tenant may use is a boundary one GRANT away from a leak.
      if (usage.rows[0]!.usage && v.slug !== env.self.slug && !sharedRole) {
        return observation('finding', s.sql, expected, {
          rowsSeen: 0,
          sqlstate,
          detail: `the tenant's role has USAGE on schema ${schema} of another tenant (rows refused only by table privileges)`,
        });
      }
      return observation('blocked', s.sql, expected, { rowsSeen: 0, sqlstate, detail: r.ok ? undefined : r.message });
    }),
};
