import { withAdmin } from '../../db/client.js';
import { assertSlug, ident, literal } from '../../db/sql.js';
import { stopwatch } from '../../measure/timer.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { dropDatabases, dropRoles, grantDml, recreateRoles } from '../common/admin-sql.js';
import type { RoleSpec } from '../common/admin-sql.js';
import { seedTenantSchemas } from '../common/bulk-load.js';
import { measureSizes, tenantChecksums } from '../common/inspect.js';
import { PoolRouter } from '../common/pool-router.js';
import { memoByTenant } from '../common/memo-by-tenant.js';
import type {
  Layout,
  LayoutContext,
  RouterOptions,
  SeedResult,
  SessionLevelContext,
  TableChecksums,
  TableUnit,
  TenantLocation,
  TenantTier,
} from '../layout.js';

/**
 * One schema per tenant in one database, the same tables without tenant_id, routed with
 * `SET LOCAL search_path` per transaction. With `rolePerTenant`, each tenant also has a role with
 * USAGE on its own schema only, and the login role (NOINHERIT, member of every tenant role) switches
 * with `SET LOCAL ROLE`: with one shared role the schema boundary is a convention, not a guard.
 */
export class SchemaLayout implements Layout {
  readonly name = 'schema' as const;
  readonly description = 'schema per tenant, SET LOCAL search_path per transaction';

  db(ctx: LayoutContext): string {
    return ctx.naming.db('schema');
  }
  appRole(ctx: LayoutContext): string {
    return ctx.naming.role('schema_app');
  }
  tenantRole(ctx: LayoutContext, t: TenantPlan): string {
    return ctx.naming.role(`schema_${t.slug}`);
  }
  databases(ctx: LayoutContext): string[] {
    return [this.db(ctx)];
  }

  locate(ctx: LayoutContext): (t: TenantPlan) => TenantLocation {
    const db = this.db(ctx);
    const app = this.appRole(ctx);
    const perTenant = ctx.scenario.layoutOptions.schema.rolePerTenant;
    return memoByTenant((t) => ({
      database: db,
      schema: t.slug,
      loginRole: app,
      tenantRole: perTenant ? this.tenantRole(ctx, t) : app,
      pooled: false,
      appFilter: false,
      rls: false,
      context: perTenant ? 'role' : 'search_path',
      unit: t.slug,
    }));
  }

  tiers(ctx: LayoutContext): TenantTier[] {
    return [{ pooled: false, tenants: ctx.plan.tenants }];
  }

  tableUnits(ctx: LayoutContext): TableUnit[] {
    const db = this.db(ctx);
    return ctx.plan.tenants.map((t) => ({ key: t.slug, db, schema: t.slug, pooled: false, tenants: [t], rlsRole: null }));
  }

  connectionCap(): number | null {
    return null;
  }

  sessionLevelContext(ctx: LayoutContext): SessionLevelContext {
    const perTenant = ctx.scenario.layoutOptions.schema.rolePerTenant;
    return {
      database: this.db(ctx),
      loginRole: this.appRole(ctx),
      sql: (t) => schemaSessionContextSql(t, perTenant ? this.tenantRole(ctx, t) : null),
    };
  }

  extraction(): null {
    return null;
  }

  private roles(ctx: LayoutContext): RoleSpec[] {
    const perTenant = ctx.scenario.layoutOptions.schema.rolePerTenant;
    const app: RoleSpec = { name: this.appRole(ctx), login: true, inherit: !perTenant };
    return perTenant ? [app, ...ctx.plan.tenants.map((t) => ({ name: this.tenantRole(ctx, t), login: false }))] : [app];
  }

  async seed(ctx: LayoutContext): Promise<SeedResult> {
    const total = stopwatch();
    const db = this.db(ctx);
    const phases = await seedTenantSchemas(ctx, this.name, db, ctx.plan.tenants, { createDatabase: true });
    const sw = stopwatch();
    ctx.progress.phase(this.name, 'roles');
    await recreateRoles(ctx, this.roles(ctx));
    await withAdmin(ctx.target, db, async (c) => {
      const app = this.appRole(ctx);
      if (ctx.scenario.layoutOptions.schema.rolePerTenant) {
        await c.query(`GRANT CONNECT ON DATABASE ${ident(db)} TO ${ident(app)}`);
        for (const t of ctx.plan.tenants) {
          const role = this.tenantRole(ctx, t);
          await grantDml(c, db, role, [t.slug]);
          await c.query(`GRANT ${ident(role)} TO ${ident(app)}`);
        }
      } else {
        await grantDml(
          c,
          db,
          app,
          ctx.plan.tenants.map((t) => t.slug),
        );
      }
    });
    phases.provision += sw.seconds();
    return { method: 'generator-copy', timings: { ...phases, total: total.seconds() } };
  }

  async checksums(ctx: LayoutContext): Promise<Map<string, TableChecksums>> {
    const out = new Map<string, TableChecksums>();
    for (const t of ctx.plan.tenants) out.set(t.slug, await tenantChecksums(ctx, this.db(ctx), t.slug));
    return out;
  }

  sizes(ctx: LayoutContext) {
    return measureSizes(ctx, [{ db: this.db(ctx), schemas: ctx.plan.tenants.map((t) => t.slug) }]);
  }

  router(ctx: LayoutContext, opts: RouterOptions = {}) {
    const role = this.appRole(ctx);
    const perTenant = ctx.scenario.layoutOptions.schema.rolePerTenant;
    return new PoolRouter(
      ctx.target.config(this.db(ctx), { name: role, password: ctx.naming.password(role) }),
      opts.maxConnections ?? 50,
      (t) => schemaContextSql(t, perTenant ? this.tenantRole(ctx, t) : null),
      false,
    );
  }

  async destroy(ctx: LayoutContext): Promise<void> {
    await dropDatabases(ctx, [this.db(ctx)]);
    await dropRoles(
      ctx,
      this.roles(ctx)
        .map((r) => r.name)
        .reverse(),
    );
  }
}

/**
 * `SET LOCAL search_path` (and role): both end with the transaction. `pg_temp` is named last so a
 * temporary table could never shadow the tenant's tables (the application role has no TEMP
 * privilege either, and the router resets temporary objects on release).
 */
export function schemaContextSql(t: TenantPlan, role: string | null): string {
  const path = `SELECT set_config('search_path', ${literal(`${ident(assertSlug(t.slug))}, pg_temp`)}, true)`;
  return role ? `${path}; SET LOCAL ROLE ${ident(role)}` : path;
}

/** Session-level search_path (and role, with a role per tenant): both last as long as the session. */
export function schemaSessionContextSql(t: TenantPlan, role: string | null): string {
  const path = `SELECT set_config('search_path', ${literal(ident(assertSlug(t.slug)))}, false)`;
  return role ? `${path}; SET SESSION ROLE ${ident(role)}` : path;
}
