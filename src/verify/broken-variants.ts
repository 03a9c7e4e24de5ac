/**
 * Deliberately broken variants of the layouts: the verifier must flag every one of them (a leak,
 * or a finding the healthy layout does not have). Each is a healthy layout seeded under its own
 * prefix, then broken as the admin, or served through a broken router.
 */
import { withAdmin } from '../db/client.js';
import { ident, literal } from '../db/sql.js';
import type { DbClient } from '../db/types.js';
import { makeNaming } from '../layouts/common/naming.js';
import { PoolRouter } from '../layouts/common/pool-router.js';
import { policyPredicate, rlsContextSql, TENANT_SETTING } from '../layouts/common/rls-policy.js';
import type { LayoutContext, LayoutName, TenantLocation } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { TENANT_TABLES } from '../../seed/tenant-plan.js';
import type { EnvOverrides } from './probe-env.js';
import { publicRoleSecret } from './probes/guessable-credentials.js';
import { SessionSetRouter } from './session-set-router.js';

export interface BrokenVariant {
  readonly id: string;
  readonly layout: LayoutName;
  readonly description: string;
  /** The layout is seeded with a role per tenant (schema). */
  readonly rolePerTenant?: boolean;
  /** Breaks nothing on the server (only the router): probe the healthy baseline's databases. */
  readonly onBaseline?: boolean;
  /** Break the seeded layout (as admin) and/or return the broken parts of the probe environment. */
  apply(ctx: LayoutContext): Promise<EnvOverrides>;
}

/** Where a layout keeps a tenant (the rls layout: its one pooled database and application role). */
const where = (ctx: LayoutContext, name: LayoutName, t = ctx.plan.tenants[0]!): TenantLocation => layoutOf(name).locate(ctx)(t);
const POOLED_TABLES: [string, string][] = [['tenants', 'id'], ...TENANT_TABLES.map((t): [string, string] => [t, 'tenant_id'])];

async function onRls(ctx: LayoutContext, fn: (c: DbClient) => Promise<void>): Promise<EnvOverrides> {
  await withAdmin(ctx.target, where(ctx, 'rls').database, fn);
  return {};
}

export const BROKEN_VARIANTS: readonly BrokenVariant[] = [
  {
    id: 'rls-missing-command-policy',
    layout: 'rls',
    description: 'RLS enabled on order_items, but its policies cover SELECT, INSERT and UPDATE only (no DELETE policy)',
    apply: (ctx) =>
      onRls(ctx, async (c) => {
        const p = policyPredicate('tenant_id');
        await c.query('DROP POLICY tenant_isolation ON order_items');
        await c.query(`CREATE POLICY items_select ON order_items FOR SELECT USING (${p})`);
        await c.query(`CREATE POLICY items_insert ON order_items FOR INSERT WITH CHECK (${p})`);
        await c.query(`CREATE POLICY items_update ON order_items FOR UPDATE USING (${p}) WITH CHECK (${p})`);
      }),
  },
  {
    id: 'rls-wrong-setting',
    layout: 'rls',
    description: `the policies read app.tenant instead of ${TENANT_SETTING}, the setting the router sets`,
    apply: (ctx) =>
      onRls(ctx, async (c) => {
        for (const [table, col] of POOLED_TABLES) {
          const p = `${col} = NULLIF(current_setting('app.tenant', true), '')::uuid`;
          await c.query(`DROP POLICY tenant_isolation ON ${ident(table)}`);
          await c.query(`CREATE POLICY tenant_isolation ON ${ident(table)} USING (${p}) WITH CHECK (${p})`);
        }
      }),
  },
  {
    id: 'rls-owner-without-force',
    layout: 'rls',
    description: 'the application role owns the tables and FORCE ROW LEVEL SECURITY is off',
    apply: (ctx) =>
      onRls(ctx, async (c) => {
        for (const [table] of POOLED_TABLES) {
          await c.query(`ALTER TABLE ${ident(table)} OWNER TO ${ident(where(ctx, 'rls').loginRole)}`);
          await c.query(`ALTER TABLE ${ident(table)} NO FORCE ROW LEVEL SECURITY`);
        }
      }),
  },
  {
    id: 'rls-bypassrls',
    layout: 'rls',
    description: 'the application role has BYPASSRLS',
    apply: (ctx) => onRls(ctx, (c) => c.query(`ALTER ROLE ${ident(where(ctx, 'rls').loginRole)} BYPASSRLS`).then(() => undefined)),
  },
  {
    id: 'schema-usage-public',
    layout: 'schema',
    rolePerTenant: true,
    description: 'schema per tenant with a role per tenant, but USAGE on every tenant schema granted to PUBLIC',
    async apply(ctx) {
      await withAdmin(ctx.target, where(ctx, 'schema').database, async (c) => {
        for (const t of ctx.plan.tenants) await c.query(`GRANT USAGE ON SCHEMA ${ident(t.slug)} TO PUBLIC`);
      });
      return {};
    },
  },
  {
    id: 'schema-tenant-role-membership',
    layout: 'schema',
    rolePerTenant: true,
    description:
      "schema with a login role per tenant, but each tenant's role a member of every earlier tenant's role (as one login role switching with SET ROLE would be; PostgreSQL refuses cycles)",
    async apply(ctx) {
      const locate = layoutOf('schema').locate(ctx);
      await withAdmin(ctx.target, ctx.target.admin.database, async (c) => {
        const ts = ctx.plan.tenants;
        for (const [i, a] of ts.entries())
          for (const b of ts.slice(0, i)) await c.query(`GRANT ${ident(locate(b).loginRole)} TO ${ident(locate(a).loginRole)}`);
      });
      return {};
    },
  },
  {
    id: 'database-connect-public',
    layout: 'database',
    description: 'database per tenant, but CONNECT on every tenant database granted to PUBLIC',
    async apply(ctx) {
      const locate = layoutOf('database').locate(ctx);
      await withAdmin(ctx.target, ctx.target.admin.database, async (c) => {
        for (const t of ctx.plan.tenants) await c.query(`GRANT CONNECT ON DATABASE ${ident(locate(t).database)} TO PUBLIC`);
      });
      return {};
    },
  },
  {
    id: 'pool-session-set',
    layout: 'rls',
    onBaseline: true,
    description: 'the tenant is set with a session-level SET when the pool first hands out a connection, not per transaction',
    async apply(ctx) {
      const { database, loginRole: role } = where(ctx, 'rls');
      const config = ctx.target.config(database, { name: role, password: ctx.naming.password(role) });
      const make = (n: number) =>
        new SessionSetRouter(config, n, (t) => `SELECT set_config(${literal(TENANT_SETTING)}, ${literal(t.id)}, false)`);
      return { router: make(2), newRouter: make };
    },
  },
  {
    id: 'pool-no-reset',
    layout: 'rls',
    onBaseline: true,
    description: 'the pooled router returns connections without resetting them (no RESET_ON_RELEASE)',
    apply: async (ctx) => noResetRouter(ctx),
  },
  {
    id: 'pool-temp-no-reset',
    layout: 'rls',
    description: 'the application role may create temporary objects (TEMP on the database) and the router does not reset connections',
    async apply(ctx) {
      await onRls(ctx, (c) =>
        c
          .query(`GRANT TEMPORARY ON DATABASE ${ident(where(ctx, 'rls').database)} TO ${ident(where(ctx, 'rls').loginRole)}`)
          .then(() => undefined),
      );
      return noResetRouter(ctx);
    },
  },
  {
    id: 'derivable-passwords',
    layout: 'rls',
    description: "the application role's password derived from public information (the old fallback: a constant + the admin's user name)",
    async apply(ctx) {
      // This variant's own context: from now on it computes passwords the old way.
      (ctx as { naming: LayoutContext['naming'] }).naming = makeNaming(ctx.naming.prefix, publicRoleSecret(ctx.target.admin.user));
      const role = where(ctx, 'rls').loginRole;
      await withAdmin(ctx.target, ctx.target.admin.database, (c) =>
        c.query(`ALTER ROLE ${ident(role)} PASSWORD ${literal(ctx.naming.password(role))}`),
      );
      return {};
    },
  },
];

/** The rls layout's own router, but one that gives connections back as they are. */
function noResetRouter(ctx: LayoutContext): EnvOverrides {
  const { database, loginRole: role } = where(ctx, 'rls');
  const config = ctx.target.config(database, { name: role, password: ctx.naming.password(role) });
  const make = (n: number) => new PoolRouter(config, n, rlsContextSql, false, false);
  return { router: make(2), newRouter: make };
}

export function brokenVariant(id: string): BrokenVariant {
  const v = BROKEN_VARIANTS.find((x) => x.id === id);
  if (!v) throw new Error(`unknown broken variant "${id}"; known: ${BROKEN_VARIANTS.map((x) => x.id).join(', ')}`);
  return v;
}
