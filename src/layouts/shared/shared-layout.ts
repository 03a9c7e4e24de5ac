import { withAdmin } from '../../db/client.js';
import { stopwatch } from '../../measure/timer.js';
import { grantDml, recreateRoles } from '../common/admin-sql.js';
import { seedPooledDatabase } from '../common/bulk-load.js';
import { PooledLayout } from '../common/pooled-layout.js';
import type { LayoutContext, SeedResult } from '../layout.js';

/**
 * Shared tables, isolation by the application's `WHERE tenant_id = $1` only. The baseline that
 * shows what RLS itself costs: same tables, same indexes, no policies.
 */
export class SharedLayout extends PooledLayout {
  readonly name = 'shared' as const;
  readonly description = 'shared tables, tenant_id filter in the application only (baseline)';
  protected readonly needsTenantFilter = true;

  /** No session state: the application adds the tenant filter to every statement. */
  protected contextSql(): string {
    return '';
  }

  sessionLevelContext() {
    return { reason: "no session context to set: the shared layout scopes by the application's tenant_id filter only" };
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
}
