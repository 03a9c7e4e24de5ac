/**
 * Where a layout keeps its tables, as the units an operation loops over: the pooled database once
 * (shared, rls, the pooled part of hybrid), or one unit per tenant (its schema, or its database).
 * Migrations keep their version table in each unit; backups and sizes address tenants through it.
 */
import type { LayoutName } from '../config/scenario-schema.js';
import { DatabaseLayout } from '../layouts/database/database-layout.js';
import { dedicatedTenants, HybridLayout } from '../layouts/hybrid/hybrid-layout.js';
import type { LayoutContext } from '../layouts/layout.js';
import { RlsLayout } from '../layouts/rls/rls-layout.js';
import { SchemaLayout } from '../layouts/schema/schema-layout.js';
import { SharedLayout } from '../layouts/shared/shared-layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';

export interface TableUnit {
  /** `pooled` for shared tables, else the tenant slug. */
  key: string;
  db: string;
  /** Schema holding the tables (and the unit's migration version table). */
  schema: string;
  /** Shared tables with tenant_id (one unit holds many tenants). */
  pooled: boolean;
  /** Tenants whose rows live in this unit. */
  tenants: readonly TenantPlan[];
  /** Role the application uses for this unit, when it is subject to RLS (pooled rls/hybrid). */
  rlsRole: string | null;
}

export function tableUnits(layout: LayoutName, ctx: LayoutContext): TableUnit[] {
  switch (layout) {
    case 'shared':
      return [{ key: 'pooled', db: new SharedLayout().db(ctx), schema: 'public', pooled: true, tenants: ctx.plan.tenants, rlsRole: null }];
    case 'rls': {
      const l = new RlsLayout();
      return [{ key: 'pooled', db: l.db(ctx), schema: 'public', pooled: true, tenants: ctx.plan.tenants, rlsRole: l.appRole(ctx) }];
    }
    case 'schema': {
      const db = new SchemaLayout().db(ctx);
      return ctx.plan.tenants.map((t) => ({ key: t.slug, db, schema: t.slug, pooled: false, tenants: [t], rlsRole: null }));
    }
    case 'database': {
      const l = new DatabaseLayout();
      return ctx.plan.tenants.map((t) => ({
        key: t.slug,
        db: l.dbOf(ctx, t),
        schema: 'public',
        pooled: false,
        tenants: [t],
        rlsRole: null,
      }));
    }
    case 'hybrid': {
      const h = new HybridLayout();
      const dedicated = dedicatedTenants(ctx);
      const ids = new Set(dedicated.map((t) => t.slug));
      const pooled = ctx.plan.tenants.filter((t) => !ids.has(t.slug));
      const units: TableUnit[] = [
        { key: 'pooled', db: h.db(ctx), schema: 'public', pooled: true, tenants: pooled, rlsRole: h.appRole(ctx) },
      ];
      const dbs = new DatabaseLayout('hybrid');
      for (const t of dedicated) {
        units.push(
          ctx.scenario.layoutOptions.hybrid.placement === 'schema'
            ? { key: t.slug, db: h.db(ctx), schema: t.slug, pooled: false, tenants: [t], rlsRole: null }
            : { key: t.slug, db: dbs.dbOf(ctx, t), schema: 'public', pooled: false, tenants: [t], rlsRole: null },
        );
      }
      return units;
    }
  }
}

/** The unit holding a tenant's rows. */
export function unitOf(layout: LayoutName, ctx: LayoutContext, slug: string): TableUnit {
  const u = tableUnits(layout, ctx).find((x) => x.tenants.some((t) => t.slug === slug));
  if (!u) throw new Error(`tenant ${slug} is not in layout ${layout}`);
  return u;
}
