import { withAdmin } from '../../db/client.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { stopwatch } from '../../measure/timer.js';
import { dropDatabases, dropRoles, grantDml, recreateRoles } from '../common/admin-sql.js';
import { addPhases, seedPooledDatabase, seedTenantSchemas } from '../common/bulk-load.js';
import { measureSizes, pooledChecksums, tenantChecksums } from '../common/inspect.js';
import { CappedKeyedRouter } from '../common/capped-router.js';
import { PoolRouter } from '../common/pool-router.js';
import { sumRouterStats } from '../common/router-stats.js';
import { createPolicies, formContextSql } from '../rls/policy-forms.js';
import { DatabaseLayout } from '../database/database-layout.js';
import type { ResolvedScenario } from '../../config/load-scenario.js';
import { memoByTenant } from '../common/memo-by-tenant.js';
import { schemaContextSql } from '../schema/schema-layout.js';
import type {
  Layout,
  LayoutContext,
  LayoutSizes,
  PooledExtraction,
  RouterOptions,
  RouterStats,
  SeedResult,
  TableChecksums,
  TableUnit,
  TenantLocation,
  TenantRouter,
  TenantTier,
} from '../layout.js';

/** The dedicated (enterprise) tier: explicit slugs, or the largest tenants (ties: lower number first). */
export function dedicatedTenants(ctx: Pick<LayoutContext, 'plan' | 'scenario'>): TenantPlan[] {
  const h = ctx.scenario.layoutOptions.hybrid;
  if (h.dedicatedTenants.length) return ctx.plan.tenants.filter((t) => h.dedicatedTenants.includes(t.slug));
  return [...ctx.plan.tenants].sort((a, b) => b.rows - a.rows || a.index - b.index).slice(0, h.dedicated);
}

/**
 * Small tenants share RLS tables; the dedicated tier lives in its own schema (same database) or its
 * own database, either way with a login role of its own (the pooled tier's role has no privilege on
 * a dedicated tenant's schema, and SQL running for the pooled tier cannot read a dedicated tenant's
 * statements, cancel its requests or change its role's settings). The tenant's tier picks the
 * route: "the connection string is the router".
 */
export class HybridLayout implements Layout {
  readonly name = 'hybrid' as const;
  readonly description = 'pooled tenants in RLS tables, the dedicated tier in its own schema or database';
  private readonly dedicatedDbs = new DatabaseLayout('hybrid', (ctx) => dedicatedTenants(ctx), 'hybrid');

  db(ctx: LayoutContext): string {
    return ctx.naming.db('hybrid');
  }
  appRole(ctx: LayoutContext): string {
    return ctx.naming.role('hybrid_app');
  }
  private split(ctx: LayoutContext): { pooled: TenantPlan[]; dedicated: TenantPlan[] } {
    const dedicated = dedicatedTenants(ctx);
    const ids = new Set(dedicated.map((t) => t.slug));
    return { pooled: ctx.plan.tenants.filter((t) => !ids.has(t.slug)), dedicated };
  }
  /** Where the dedicated tier lives (scenario field layoutOptions.hybrid.placement): a schema or a database per tenant. */
  private dedicatedIn(ctx: LayoutContext) {
    return ctx.scenario.layoutOptions.hybrid.placement;
  }
  databases(ctx: LayoutContext): string[] {
    return [this.db(ctx), ...(this.dedicatedIn(ctx) === 'database' ? this.dedicatedDbs.databases(ctx) : [])];
  }

  locate(ctx: LayoutContext): (t: TenantPlan) => TenantLocation {
    const ids = new Set(dedicatedTenants(ctx).map((t) => t.slug));
    const db = this.db(ctx);
    const app = this.appRole(ctx);
    const inDb = this.dedicatedIn(ctx) === 'database';
    // The dedicated tier's databases and roles are named like the database layout's, with part "hybrid".
    const tierDb = this.dedicatedDbs.locate(ctx);
    const pooled: TenantLocation = {
      database: db,
      schema: 'public',
      loginRole: app,
      tenantRole: app,
      pooled: true,
      appFilter: false,
      rls: true,
      context: 'setting',
      unit: 'pooled',
    };
    return memoByTenant((t) => {
      if (!ids.has(t.slug)) return pooled;
      if (inDb) return tierDb(t);
      // The same login role per dedicated tenant as with placement database (named alike).
      const own = tierDb(t).loginRole;
      return {
        database: db,
        schema: t.slug,
        loginRole: own,
        tenantRole: own,
        pooled: false,
        appFilter: false,
        rls: false,
        context: 'role',
        unit: t.slug,
      };
    });
  }

  /** The dedicated tier, then the pooled tier (each in plan order). */
  tiers(ctx: LayoutContext): TenantTier[] {
    const ids = new Set(dedicatedTenants(ctx).map((t) => t.slug));
    return [
      { pooled: false, tenants: ctx.plan.tenants.filter((t) => ids.has(t.slug)) },
      { pooled: true, tenants: ctx.plan.tenants.filter((t) => !ids.has(t.slug)) },
    ];
  }

  /** The pooled unit (even when empty), then one unit per dedicated tenant. */
  tableUnits(ctx: LayoutContext): TableUnit[] {
    const { pooled, dedicated } = this.split(ctx);
    const db = this.db(ctx);
    const units: TableUnit[] = [{ key: 'pooled', db, schema: 'public', pooled: true, tenants: pooled, rlsRole: this.appRole(ctx) }];
    for (const t of dedicated) {
      units.push(
        this.dedicatedIn(ctx) === 'schema'
          ? { key: t.slug, db, schema: t.slug, pooled: false, tenants: [t], rlsRole: null }
          : { key: t.slug, db: this.dedicatedDbs.dbOf(ctx, t), schema: 'public', pooled: false, tenants: [t], rlsRole: null },
      );
    }
    return units;
  }

  /**
   * The dedicated tier's cap (layoutOptions.database.maxConnections): its connections are keyed by
   * tenant (a login role each) under that cap, in schemas or databases alike.
   */
  connectionCap(scenario: ResolvedScenario): number | null {
    return scenario.layoutOptions.database.maxConnections;
  }

  sessionLevelContext() {
    return { reason: 'the session-level variant is built for the rls and schema layouts (hybrid routes by tier)' };
  }

  /** The largest pooled tenant promoted to the dedicated tier's placement. */
  extraction(ctx: LayoutContext): PooledExtraction {
    return { sourceDb: this.db(ctx), from: 'hybrid pooled tier', to: [this.dedicatedIn(ctx)], tenants: this.split(ctx).pooled };
  }

  async seed(ctx: LayoutContext): Promise<SeedResult> {
    const total = stopwatch();
    const { pooled, dedicated } = this.split(ctx);
    const db = this.db(ctx);
    let phases = await seedPooledDatabase(ctx, this.name, db, pooled);
    if (this.dedicatedIn(ctx) === 'schema') {
      phases = addPhases(phases, await seedTenantSchemas(ctx, this.name, db, dedicated, { createDatabase: false }));
    }
    const sw = stopwatch();
    ctx.progress.phase(this.name, 'policies');
    const inSchemas = this.dedicatedIn(ctx) === 'schema';
    const own = this.dedicatedDbs.locate(ctx);
    // A dedicated tenant's role may hold the tier's whole cap plus a few (admin tools, probes), never every connection.
    const connectionLimit = ctx.scenario.layoutOptions.database.maxConnections + 10;
    // Databases an earlier placement database left would keep those roles from being recreated.
    if (inSchemas) await this.dedicatedDbs.destroy(ctx);
    await recreateRoles(ctx, [
      { name: this.appRole(ctx), login: true },
      ...(inSchemas ? dedicated.map((t) => ({ name: own(t).loginRole, login: true, connectionLimit })) : []),
    ]);
    await withAdmin(ctx.target, db, async (c) => {
      await grantDml(c, db, this.appRole(ctx), ['public']);
      await createPolicies(c, ctx.scenario.layoutOptions.hybrid.policy, this.appRole(ctx));
      if (inSchemas) for (const t of dedicated) await grantDml(c, db, own(t).loginRole, [t.slug]);
    });
    phases.provision += sw.seconds();
    if (this.dedicatedIn(ctx) === 'database') {
      const r = await this.dedicatedDbs.seed(ctx);
      phases = addPhases(phases, r.timings);
    }
    return { method: 'generator-copy', timings: { ...phases, total: total.seconds() } };
  }

  async checksums(ctx: LayoutContext): Promise<Map<string, TableChecksums>> {
    const { pooled, dedicated } = this.split(ctx);
    const out = await pooledChecksums(ctx, this.db(ctx), pooled);
    if (this.dedicatedIn(ctx) === 'database') {
      for (const [k, v] of await this.dedicatedDbs.checksums(ctx)) out.set(k, v);
    } else {
      for (const t of dedicated) out.set(t.slug, await tenantChecksums(ctx, this.db(ctx), t.slug));
    }
    return out;
  }

  async sizes(ctx: LayoutContext): Promise<LayoutSizes> {
    const { dedicated } = this.split(ctx);
    if (this.dedicatedIn(ctx) === 'schema') {
      return measureSizes(ctx, [{ db: this.db(ctx), schemas: ['public', ...dedicated.map((t) => t.slug)] }]);
    }
    const a = await measureSizes(ctx, [{ db: this.db(ctx), schemas: ['public'] }]);
    const b = await this.dedicatedDbs.sizes(ctx);
    return {
      tableBytes: a.tableBytes + b.tableBytes,
      indexBytes: a.indexBytes + b.indexBytes,
      toastBytes: a.toastBytes + b.toastBytes,
      databaseBytes: a.databaseBytes + b.databaseBytes,
      databases: a.databases + b.databases,
      relations: a.relations + b.relations,
    };
  }

  /**
   * The pooled tier's pool (`maxConnections`), and the dedicated tier's connections keyed by tenant
   * under the tier's cap: in their databases (the database layout's router), or in their schemas of
   * the hybrid's database, each as the tenant's own login role.
   */
  router(ctx: LayoutContext, opts: RouterOptions = {}): TenantRouter {
    const { dedicated } = this.split(ctx);
    const ids = new Set(dedicated.map((t) => t.slug));
    const role = this.appRole(ctx);
    const pooled = new PoolRouter(
      ctx.target.config(this.db(ctx), { name: role, password: ctx.naming.password(role) }),
      opts.maxConnections ?? 50,
      formContextSql(ctx.scenario.layoutOptions.hybrid.policy),
      false,
    );
    const own = this.dedicatedDbs.locate(ctx);
    const dedicatedRouter =
      this.dedicatedIn(ctx) === 'schema'
        ? new CappedKeyedRouter(
            ctx.scenario.layoutOptions.database.maxConnections,
            (t) => ctx.target.config(this.db(ctx), { name: own(t).loginRole, password: ctx.naming.password(own(t).loginRole) }),
            schemaContextSql,
          )
        : this.dedicatedDbs.router(ctx, opts);
    return {
      acquire: (t) => (ids.has(t.slug) ? dedicatedRouter.acquire(t) : pooled.acquire(t)),
      stats: (): RouterStats => sumRouterStats([pooled.stats(), dedicatedRouter.stats()]),
      close: async () => {
        await Promise.all([pooled.close(), dedicatedRouter.close()]);
      },
    };
  }

  async destroy(ctx: LayoutContext): Promise<void> {
    // The hybrid's database first: with placement schema it holds the dedicated roles' privileges.
    await dropDatabases(ctx, [this.db(ctx)]);
    await this.dedicatedDbs.destroy(ctx);
    await dropRoles(ctx, [this.appRole(ctx)]);
  }
}
