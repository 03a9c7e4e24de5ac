import { withAdmin } from '../../db/client.js';
import { assertSlug, ident, literal } from '../../db/sql.js';
import { stopwatch } from '../../measure/timer.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { dropDatabases, dropRoles, grantDml, recreateRoles } from '../common/admin-sql.js';
import type { RoleSpec } from '../common/admin-sql.js';
import { onConnections, seedTenantSchemas } from '../common/bulk-load.js';
import { measureSizes, tenantChecksumsOn } from '../common/inspect.js';
import { CappedKeyedRouter } from '../common/capped-router.js';
import { PoolRouter } from '../common/pool-router.js';
import { memoByTenant } from '../common/memo-by-tenant.js';
import { tenantConnectionLimit } from '../common/tenant-login.js';
import type {
  Layout,
  LayoutContext,
  RouterOptions,
  SeedResult,
  SessionLevelContext,
  TableChecksums,
  TableUnit,
  TenantLocation,
  TenantRouter,
  TenantTier,
} from '../layout.js';

/**
 * One schema per tenant in one database, the same tables without tenant_id, routed with
 * `SET LOCAL search_path` per transaction. With `rolePerTenant`, each tenant has a login role of its
 * own with USAGE on its own schema only and a CONNECTION LIMIT, and the router keeps connections per
 * tenant (keyed by login role) under the pool's one cap: with one shared role the schema boundary is
 * a convention, not a guard, and a login role shared by tenants lets one tenant's SQL read the
 * others' statements, cancel their requests, change the role's settings and take every connection
 * (issue 14). No role may switch to another tenant's role (no membership, no SET ROLE).
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
      loginRole: perTenant ? this.tenantRole(ctx, t) : app,
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
      loginRole: (t) => (perTenant ? this.tenantRole(ctx, t) : this.appRole(ctx)),
      sql: (t) => schemaSessionContextSql(t),
    };
  }

  extraction(): null {
    return null;
  }

  private roles(ctx: LayoutContext): RoleSpec[] {
    if (!ctx.scenario.layoutOptions.schema.rolePerTenant) return [{ name: this.appRole(ctx), login: true }];
    const connectionLimit = tenantConnectionLimit(ctx.scenario);
    return ctx.plan.tenants.map((t) => ({ name: this.tenantRole(ctx, t), login: true, connectionLimit }));
  }

  /** Every role either variant creates (seeding or destroying one variant also removes the other's). */
  private allRoles(ctx: LayoutContext): string[] {
    return [this.appRole(ctx), ...ctx.plan.tenants.map((t) => this.tenantRole(ctx, t))];
  }

  async seed(ctx: LayoutContext): Promise<SeedResult> {
    const total = stopwatch();
    const db = this.db(ctx);
    const phases = await seedTenantSchemas(ctx, this.name, db, ctx.plan.tenants, { createDatabase: true });
    const sw = stopwatch();
    ctx.progress.phase(this.name, 'roles');
    await dropRoles(ctx, this.allRoles(ctx));
    await recreateRoles(ctx, this.roles(ctx));
    await withAdmin(ctx.target, db, async (c) => {
      if (ctx.scenario.layoutOptions.schema.rolePerTenant) {
        for (const t of ctx.plan.tenants) await grantDml(c, db, this.tenantRole(ctx, t), [t.slug]);
      } else {
        await grantDml(
          c,
          db,
          this.appRole(ctx),
          ctx.plan.tenants.map((t) => t.slug),
        );
      }
    });
    phases.provision += sw.seconds();
    return { method: 'generator-copy', timings: { ...phases, total: total.seconds() } };
  }

  async checksums(ctx: LayoutContext): Promise<Map<string, TableChecksums>> {
    // Batches of tenant schemas on `seeding.concurrency` connections (10,000 tenants: not 10,000
    // backend starts, nor one connection for all); the map keeps the plan's tenant order.
    const sums = new Map<string, TableChecksums>();
    await onConnections(ctx, this.db(ctx), ctx.plan.tenants, ctx.scenario.seeding.concurrency, async (c, batch) => {
      for (const t of batch) sums.set(t.slug, await tenantChecksumsOn(c, t.slug));
    });
    return new Map(ctx.plan.tenants.filter((t) => sums.has(t.slug)).map((t) => [t.slug, sums.get(t.slug)!]));
  }

  sizes(ctx: LayoutContext) {
    return measureSizes(ctx, [{ db: this.db(ctx), schemas: ctx.plan.tenants.map((t) => t.slug) }]);
  }

  /**
   * One pool of `maxConnections` for the shared login role; with a login role per tenant, connections
   * keyed by tenant under the same cap (a tenant reuses its own idle connection, else one is opened
   * under the cap, else the least recently used idle connection of another tenant is closed).
   */
  router(ctx: LayoutContext, opts: RouterOptions = {}): TenantRouter {
    const max = opts.maxConnections ?? 50;
    const config = (role: string) => ctx.target.config(this.db(ctx), { name: role, password: ctx.naming.password(role) });
    if (!ctx.scenario.layoutOptions.schema.rolePerTenant) return new PoolRouter(config(this.appRole(ctx)), max, schemaContextSql, false);
    return new CappedKeyedRouter(max, (t) => config(this.tenantRole(ctx, t)), schemaContextSql);
  }

  async destroy(ctx: LayoutContext): Promise<void> {
    await dropDatabases(ctx, [this.db(ctx)]);
    await dropRoles(ctx, this.allRoles(ctx));
  }
}

/**
 * `SET LOCAL search_path`: ends with the transaction. `pg_temp` is named last so a temporary table
 * could never shadow the tenant's tables (the application role has no TEMP privilege either, and
 * the router resets temporary objects on release).
 */
export function schemaContextSql(t: TenantPlan): string {
  return `SELECT set_config('search_path', ${literal(`${ident(assertSlug(t.slug))}, pg_temp`)}, true)`;
}

/** Session-level search_path: lasts as long as the session. */
export function schemaSessionContextSql(t: TenantPlan): string {
  return `SELECT set_config('search_path', ${literal(ident(assertSlug(t.slug)))}, false)`;
}
