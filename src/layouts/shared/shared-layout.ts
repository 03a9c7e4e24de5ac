import { withAdmin } from '../../db/client.js';
import { dropDatabases, dropRoles, grantDml, recreateRoles } from '../common/admin-sql.js';
import { seedPooledDatabase } from '../common/bulk-load.js';
import { measureSizes, pooledChecksums } from '../common/inspect.js';
import { PoolRouter } from '../common/pool-router.js';
import type { Layout, LayoutContext, RouterOptions, SeedResult } from '../layout.js';
import { stopwatch } from '../../measure/timer.js';

/**
 * Shared tables, isolation by the application's `WHERE tenant_id = $1` only. The baseline that
 * shows what RLS itself costs: same tables, same indexes, no policies.
 */
export class SharedLayout implements Layout {
  readonly name = 'shared' as const;
  readonly description = 'shared tables, tenant_id filter in the application only (baseline)';

  db(ctx: LayoutContext): string {
    return ctx.naming.db('shared');
  }
  appRole(ctx: LayoutContext): string {
    return ctx.naming.role('shared_app');
  }
  databases(ctx: LayoutContext): string[] {
    return [this.db(ctx)];
  }

  async seed(ctx: LayoutContext): Promise<SeedResult> {
    const total = stopwatch();
    const phases = await seedPooledDatabase(ctx, this.name, this.db(ctx), ctx.plan.tenants);
    const sw = stopwatch();
    await recreateRoles(ctx, [{ name: this.appRole(ctx), login: true }]);
    await withAdmin(ctx.target, this.db(ctx), (c) => grantDml(c, this.db(ctx), this.appRole(ctx), ['public']));
    phases.provision += sw.seconds();
    return { method: 'generator-copy', timings: { ...phases, total: total.seconds() } };
  }

  checksums(ctx: LayoutContext) {
    return pooledChecksums(ctx, this.db(ctx), ctx.plan.tenants);
  }

  sizes(ctx: LayoutContext) {
    return measureSizes(ctx, [{ db: this.db(ctx), schemas: ['public'] }]);
  }

  router(ctx: LayoutContext, opts: RouterOptions = {}) {
    const role = this.appRole(ctx);
    return new PoolRouter(ctx.target.config(this.db(ctx), { name: role, password: ctx.naming.password(role) }), opts.maxConnections ?? 50, () => '', true);
  }

  async destroy(ctx: LayoutContext): Promise<void> {
    await dropDatabases(ctx, [this.db(ctx)]);
    await dropRoles(ctx, [this.appRole(ctx)]);
  }
}
