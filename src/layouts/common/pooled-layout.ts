import { dropDatabases, dropRoles } from './admin-sql.js';
import { measureSizes, pooledChecksums } from './inspect.js';
import { PoolRouter } from './pool-router.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type { Layout, LayoutContext, LayoutName, RouterOptions, SeedResult, TableChecksums, TenantRouter, LayoutSizes } from '../layout.js';

/**
 * What the two pooled layouts (shared and rls) have in common: one database named after the
 * layout, one application role, pooled tables in `public`. They differ in how a session is scoped
 * (`contextSql`) and whether the application must filter by tenant itself.
 */
export abstract class PooledLayout implements Layout {
  abstract readonly name: LayoutName;
  abstract readonly description: string;
  protected abstract readonly needsTenantFilter: boolean;
  protected abstract contextSql(t: TenantPlan): string;
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
      (t) => this.contextSql(t),
      this.needsTenantFilter,
    );
  }

  async destroy(ctx: LayoutContext): Promise<void> {
    await dropDatabases(ctx, [this.db(ctx)]);
    await dropRoles(ctx, [this.appRole(ctx)]);
  }
}
