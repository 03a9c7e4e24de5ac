import { withAdmin } from '../../db/client.js';
import { ident } from '../../db/sql.js';
import { stopwatch } from '../../measure/timer.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { grantDml, recreateDatabase, recreateRoles } from '../common/admin-sql.js';
import { seedPooledDatabase, zeroPhases } from '../common/bulk-load.js';
import { PooledLayout } from '../common/pooled-layout.js';
import { createPolicies, formContextSql } from './policy-forms.js';
import type { LayoutContext, PooledExtraction, SeedResult, SessionLevelContext } from '../layout.js';

/**
 * The shared tables plus ENABLE + FORCE ROW LEVEL SECURITY and a USING / WITH CHECK policy on
 * `app.tenant_id` (or another form: layoutOptions.rls.policy, policy-forms.ts), queried by an application role that is not superuser, not the owner and has no
 * BYPASSRLS. The tenant is set per transaction (set_config(..., true)).
 */
export class RlsLayout extends PooledLayout {
  readonly name = 'rls' as const;
  readonly description = 'shared tables with row level security (ENABLE + FORCE, USING + WITH CHECK), per-transaction tenant setting';
  protected readonly needsTenantFilter = false;

  /** The transaction-local context the scenario's policy form reads (layoutOptions.rls.policy). */
  protected contextSql(t: TenantPlan, ctx: LayoutContext): string {
    return formContextSql(ctx.scenario.layoutOptions.rls.policy)(t);
  }

  sessionLevelContext(ctx: LayoutContext): SessionLevelContext {
    return {
      database: this.db(ctx),
      loginRole: () => this.appRole(ctx),
      sql: formContextSql(ctx.scenario.layoutOptions.rls.policy, false),
    };
  }

  /** The largest tenant moved into its own schema and into its own database. */
  override extraction(ctx: LayoutContext): PooledExtraction {
    return { sourceDb: this.db(ctx), from: 'rls', to: ['schema', 'database'], tenants: ctx.plan.tenants };
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
      await grantDml(c, db, this.appRole(ctx), ['public']);
      await createPolicies(c, ctx.scenario.layoutOptions.rls.policy, this.appRole(ctx));
    });
    phases.provision += sw.seconds();
    return {
      method: copyFromShared ? 'template-copy' : 'generator-copy',
      ...(copyFromShared ? { copiedFrom: 'shared' as const } : {}),
      timings: { ...phases, total: total.seconds() },
    };
  }
}
