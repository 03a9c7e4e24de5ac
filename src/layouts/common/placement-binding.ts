/**
 * Binds the per-tenant databases of this run to the servers the placement gives their tenants, so
 * that the layouts and the operations reach a tenant database by its name (`target.config(db)`)
 * on the right server. Names come from the layouts themselves; a tenant is on the same server in
 * the database layout, the hybrid's dedicated tier and when it is moved out (extraction).
 */
import { PlacedTarget } from '../../target/placed-target.js';
import { DatabaseLayout } from '../database/database-layout.js';
import type { LayoutContext } from '../layout.js';

export function bindPlacement(ctx: LayoutContext): void {
  const target = ctx.target;
  if (!(target instanceof PlacedTarget)) return;
  const db = new DatabaseLayout();
  const hybrid = new DatabaseLayout('hybrid');
  for (const t of ctx.plan.tenants) {
    const i = target.serverIndexOfTenant(t);
    target.bind(db.dbOf(ctx, t), i);
    target.bind(hybrid.dbOf(ctx, t), i);
    // extract-tenant.ts: the tenant's own database when it is moved out of the pooled tables.
    target.bind(ctx.naming.db(`extract_${t.slug}`), i);
  }
}
