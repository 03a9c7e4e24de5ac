import { dropDatabases, dropRoles } from './admin-sql.js';
import { measureSizes, pooledChecksums } from './inspect.js';
import { PoolRouter } from './pool-router.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type {
  Layout,
  LayoutContext,
  LayoutName,
  LayoutSizes,
  PooledExtraction,
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
 * What the two pooled layouts (shared and rls) have in common: one database named after the
 * layout, one application role, pooled tables in `public`. They differ in how a session is scoped
 * (`contextSql`) and whether the application must filter by tenant itself.
 */
export abstract class PooledLayout implements Layout {
  abstract readonly name: LayoutName;
  abstract readonly description: string;
  protected abstract readonly needsTenantFilter: boolean;
  protected abstract contextSql(t: TenantPlan, ctx: LayoutContext): string;
  abstract seed(ctx: LayoutContext): Promise<SeedResult>;

  db(ctx: LayoutContext): string {
    return ctx.naming.db(this.name);
  }
  appRole(ctx: LayoutContext): string {
    return ctx.naming.role(`${this.name}_app`);
  }
  databases(ctx: LayoutContext): string[] {
    return [this.db(ctx)];
  }

  /** RLS guards the pooled rows (the rls layout), or the application's filter alone (shared). */
  protected get rls(): boolean {
    return !this.needsTenantFilter;
  }

  locate(ctx: LayoutContext): (t: TenantPlan) => TenantLocation {
    const role = this.appRole(ctx);
    const where: TenantLocation = {
      database: this.db(ctx),
      schema: 'public',
      loginRole: role,
      tenantRole: role,
      pooled: true,
      appFilter: this.needsTenantFilter,
      rls: this.rls,
      context: this.rls ? 'setting' : 'none',
      unit: 'pooled',
    };
    return () => where;
  }

  tiers(ctx: LayoutContext): TenantTier[] {
    return [{ pooled: true, tenants: ctx.plan.tenants }];
  }

  tableUnits(ctx: LayoutContext): TableUnit[] {
    const db = this.db(ctx);
    return [{ key: 'pooled', db, schema: 'public', pooled: true, tenants: ctx.plan.tenants, rlsRole: this.rls ? this.appRole(ctx) : null }];
  }

  connectionCap(): number | null {
    return null;
  }

  abstract sessionLevelContext(ctx: LayoutContext): SessionLevelContext | { reason: string };

  extraction(_ctx: LayoutContext): PooledExtraction | null {
    return null;
  }

  checksums(ctx: LayoutContext): Promise<Map<string, TableChecksums>> {
    return pooledChecksums(ctx, this.db(ctx), ctx.plan.tenants);
  }

  sizes(ctx: LayoutContext): Promise<LayoutSizes> {
    return measureSizes(ctx, [{ db: this.db(ctx), schemas: ['public'] }]);
  }

  router(ctx: LayoutContext, opts: RouterOptions = {}): TenantRouter {
    const role = this.appRole(ctx);
    return new PoolRouter(
      ctx.target.config(this.db(ctx), { name: role, password: ctx.naming.password(role) }),
      opts.maxConnections ?? 50,
      (t) => this.contextSql(t, ctx),
      this.needsTenantFilter,
    );
  }

  async destroy(ctx: LayoutContext): Promise<void> {
    await dropDatabases(ctx, [this.db(ctx)]);
    await dropRoles(ctx, [this.appRole(ctx)]);
  }
}
