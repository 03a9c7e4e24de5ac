import { withAdmin } from '../../db/client.js';
import { ident } from '../../db/sql.js';
import { stopwatch } from '../../measure/timer.js';
import { dropDatabases, dropRoles, grantDml, recreateDatabase, recreateRoles } from '../common/admin-sql.js';
import { seedPooledDatabase, zeroPhases } from '../common/bulk-load.js';
import { measureSizes, pooledChecksums } from '../common/inspect.js';
import { PoolRouter } from '../common/pool-router.js';
import { enableRls, rlsContextSql } from '../common/rls-policy.js';
import type { Layout, LayoutContext, RouterOptions, SeedResult } from '../layout.js';

/**
 * The shared tables plus ENABLE + FORCE ROW LEVEL SECURITY and a USING / WITH CHECK policy on
 * `app.tenant_id`, queried by an application role that is not superuser, not the owner and has no
 * BYPASSRLS. The tenant is set per transaction (set_config(..., true)).
 */
export class RlsLayout implements Layout {
  readonly name = 'rls' as const;
  readonly description = 'shared tables with row level security (ENABLE + FORCE, USING + WITH CHECK), per-transaction tenant setting';

  db(ctx: LayoutContext): string {
    return ctx.naming.db('rls');
  }
  appRole(ctx: LayoutContext): string {
    return ctx.naming.role('rls_app');
  }
  databases(ctx: LayoutContext): string[] {
    return [this.db(ctx)];
  }

  async seed(ctx: LayoutContext): Promise<SeedResult> {
    const total = stopwatch();
    const db = this.db(ctx);
    const copyFromShared = ctx.seeded.has('shared') && ctx.scenario.seeding.templateCopy;
    let phases = zeroPhases();
    if (copyFromShared) {
      // Same rows, same tables, same indexes as the shared layout: let the server copy the files.
      ctx.progress.phase(this.name, 'copy shared database');
      const sw = stopwatch();
      await recreateDatabase(ctx, db, ctx.naming.db('shared'));
      await withAdmin(ctx.target, db, async (c) => {
        await c.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${ident(ctx.naming.role('shared_app'))}`);
        await c.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${ident(ctx.naming.role('shared_app'))}`);
      });
      ctx.progress.rows(this.name, ctx.plan.rows);
      phases.load = sw.seconds();
    } else {
      phases = await seedPooledDatabase(ctx, this.name, db, ctx.plan.tenants);
    }
    const sw = stopwatch();
    ctx.progress.phase(this.name, 'policies');
    await recreateRoles(ctx, [{ name: this.appRole(ctx), login: true }]);
    await withAdmin(ctx.target, db, async (c) => {
      await enableRls(c);
      await grantDml(c, db, this.appRole(ctx), ['public']);
    });
    phases.provision += sw.seconds();
    return {
      method: copyFromShared ? 'template-copy' : 'generator-copy',
      ...(copyFromShared ? { copiedFrom: 'shared' as const } : {}),
      timings: { ...phases, total: total.seconds() },
    };
  }

  checksums(ctx: LayoutContext) {
    return pooledChecksums(ctx, this.db(ctx), ctx.plan.tenants);
  }

  sizes(ctx: LayoutContext) {
    return measureSizes(ctx, [{ db: this.db(ctx), schemas: ['public'] }]);
  }

  router(ctx: LayoutContext, opts: RouterOptions = {}) {
    const role = this.appRole(ctx);
    return new PoolRouter(ctx.target.config(this.db(ctx), { name: role, password: ctx.naming.password(role) }), opts.maxConnections ?? 50, rlsContextSql, false);
  }

  async destroy(ctx: LayoutContext): Promise<void> {
    await dropDatabases(ctx, [this.db(ctx)]);
    await dropRoles(ctx, [this.appRole(ctx)]);
  }
}
