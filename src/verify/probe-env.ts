/**
 * What the probes need to know about a layout: which tenants to play, how the application logs
 * in for a tenant, where a tenant's rows live. Built from the layouts' own public helpers, so a
 * probe connects exactly as the application does.
 */
import type { ClientConfig } from 'pg';
import { withAdmin } from '../db/client.js';
import { dedicatedTenants } from '../layouts/hybrid/hybrid-layout.js';
import type { LayoutContext, LayoutName, TenantRouter } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { RlsLayout } from '../layouts/rls/rls-layout.js';
import { SchemaLayout } from '../layouts/schema/schema-layout.js';
import { SharedLayout } from '../layouts/shared/shared-layout.js';
import { DatabaseLayout } from '../layouts/database/database-layout.js';
import { HybridLayout } from '../layouts/hybrid/hybrid-layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { ProbeEnv } from './probe.js';

export interface EnvOverrides {
  router?: TenantRouter;
  newRouter?: (maxConnections: number) => TenantRouter;
  self?: TenantPlan;
  victim?: TenantPlan;
  /** See ProbeEnv.ignoreUnplannedIds (probes under load). */
  ignoreUnplannedIds?: boolean;
}

/**
 * The tenants `self` may be chosen from: the layout's one tier, or hybrid's pooled tier (the
 * probes act as a pooled tenant; the dedicated tier is the cross victim).
 */
export function probeTier(ctx: LayoutContext, name: LayoutName): TenantPlan[] {
  if (name !== 'hybrid') return [...ctx.plan.tenants];
  const dedicated = new Set(dedicatedTenants(ctx).map((t) => t.slug));
  return ctx.plan.tenants.filter((t) => !dedicated.has(t.slug));
}

/** The probe environment of one seeded layout. The caller closes `env.router`. */
export function makeProbeEnv(ctx: LayoutContext, name: LayoutName, o: EnvOverrides = {}): ProbeEnv {
  const impl = layoutOf(name);
  const cfg = (database: string, role: string): ClientConfig =>
    ctx.target.config(database, { name: role, password: ctx.naming.password(role) });
  const tenants = ctx.plan.tenants;
  let tier: readonly TenantPlan[] = tenants;
  let crossVictim: TenantPlan | null = null;
  let base: Omit<ProbeEnv, 'ctx' | 'layout' | 'router' | 'newRouter' | 'self' | 'victim' | 'crossVictim' | 'admin'>;

  if (name === 'shared' || name === 'rls') {
    const l = name === 'shared' ? new SharedLayout() : new RlsLayout();
    base = {
      pooled: true,
      appFilter: name === 'shared',
      rls: name === 'rls',
      contextKind: name === 'rls' ? 'setting' : 'none',
      login: (_t, db) => cfg(db ?? l.db(ctx), l.appRole(ctx)),
      databaseOf: () => l.db(ctx),
      schemaOf: () => 'public',
      roleOf: () => l.appRole(ctx),
    };
  } else if (name === 'schema') {
    const l = new SchemaLayout();
    const perTenant = ctx.scenario.layoutOptions.schema.rolePerTenant;
    base = {
      pooled: false,
      appFilter: false,
      rls: false,
      contextKind: perTenant ? 'role' : 'search_path',
      login: (_t, db) => cfg(db ?? l.db(ctx), l.appRole(ctx)),
      databaseOf: () => l.db(ctx),
      schemaOf: (t) => t.slug,
      roleOf: (t) => (perTenant ? l.tenantRole(ctx, t) : l.appRole(ctx)),
    };
  } else if (name === 'database') {
    const l = new DatabaseLayout();
    base = {
      pooled: false,
      appFilter: false,
      rls: false,
      contextKind: 'database',
      login: (t, db) => cfg(db ?? l.dbOf(ctx, t), l.roleOf(ctx, t)),
      databaseOf: (t) => l.dbOf(ctx, t),
      schemaOf: () => 'public',
      roleOf: (t) => l.roleOf(ctx, t),
    };
  } else {
    const l = new HybridLayout();
    const dedicated = new Set(dedicatedTenants(ctx).map((t) => t.slug));
    const inDb = ctx.scenario.layoutOptions.hybrid.placement === 'database';
    // The dedicated tier's databases and roles are named like the database layout's, with part "hybrid".
    const tierDb = new DatabaseLayout('hybrid');
    tier = tenants.filter((t) => !dedicated.has(t.slug));
    crossVictim = tenants.find((t) => dedicated.has(t.slug)) ?? null;
    base = {
      pooled: true,
      appFilter: false,
      rls: true,
      contextKind: 'setting',
      login: (t, db) =>
        dedicated.has(t.slug) && inDb ? cfg(db ?? tierDb.dbOf(ctx, t), tierDb.roleOf(ctx, t)) : cfg(db ?? l.db(ctx), l.appRole(ctx)),
      databaseOf: (t) => (dedicated.has(t.slug) && inDb ? tierDb.dbOf(ctx, t) : l.db(ctx)),
      schemaOf: (t) => (dedicated.has(t.slug) && !inDb ? t.slug : 'public'),
      roleOf: (t) => (dedicated.has(t.slug) && inDb ? tierDb.roleOf(ctx, t) : l.appRole(ctx)),
    };
  }
  // Act as the second tenant of the tier against the first (the largest under skewed sizes).
  if (tier.length < 1) throw new Error(`layout ${name}: no tenant to probe with`);
  const self = o.self ?? tier[1] ?? tier[0]!;
  const victim = o.victim ?? tier.find((t) => t.slug !== self.slug) ?? crossVictim ?? tenants.find((t) => t.slug !== self.slug);
  if (!victim) throw new Error(`layout ${name}: the probes need at least two tenants`);
  return {
    ...base,
    layout: name,
    ctx,
    router: o.router ?? impl.router(ctx, { maxConnections: 4 }),
    newRouter: o.newRouter ?? ((n) => impl.router(ctx, { maxConnections: n })),
    self,
    victim,
    crossVictim: o.victim ? (crossVictim ? o.victim : null) : crossVictim,
    admin: (db, fn) => withAdmin(ctx.target, db, fn),
    ignoreUnplannedIds: o.ignoreUnplannedIds === true,
  };
}
