/**
 * What the probes need to know about a layout: which tenants to play, how the application logs
 * in for a tenant, where a tenant's rows live. Read from the layout's own contract (`locate`,
 * `tiers`), so a probe connects exactly as the application does.
 */
import type { ConnectionConfig } from '../db/types.js';
import { withAdmin } from '../db/client.js';
import type { Layout, LayoutContext, LayoutName, TenantRouter } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
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
 * The tenants `self` may be chosen from (`tier`): the layout's one tier, or with several its pooled
 * tier (the boundary under test is inside shared tables); the first tenant of another tier is the
 * cross victim.
 */
function probeTiers(impl: Layout, ctx: LayoutContext): { tier: readonly TenantPlan[]; crossVictim: TenantPlan | null } {
  const tiers = impl.tiers(ctx);
  const own = tiers.find((x) => x.pooled) ?? tiers[0];
  const others = new Set(tiers.filter((x) => x !== own).flatMap((x) => x.tenants.map((t) => t.slug)));
  // The first such tenant in plan order.
  const crossVictim = ctx.plan.tenants.find((t) => others.has(t.slug)) ?? null;
  return { tier: own?.tenants ?? [], crossVictim };
}

/** The tenants `self` may be chosen from (see probeTiers). */
export function probeTier(ctx: LayoutContext, name: LayoutName): TenantPlan[] {
  return [...probeTiers(layoutOf(name), ctx).tier];
}

/** The probe environment of one seeded layout. The caller closes `env.router`. */
export function makeProbeEnv(ctx: LayoutContext, name: LayoutName, o: EnvOverrides = {}): ProbeEnv {
  const impl = layoutOf(name);
  const cfg = (database: string, role: string): ConnectionConfig =>
    ctx.target.config(database, { name: role, password: ctx.naming.password(role) });
  const tenants = ctx.plan.tenants;
  const { tier, crossVictim } = probeTiers(impl, ctx);
  // Act as the second tenant of the tier against the first (the largest under skewed sizes).
  if (tier.length < 1) throw new Error(`layout ${name}: no tenant to probe with`);
  const locate = impl.locate(ctx);
  // The facts of the tier the probes act as (every tenant of a tier is stored alike).
  const home = locate(tier[0]!);
  const self = o.self ?? tier[1] ?? tier[0]!;
  const victim = o.victim ?? tier.find((t) => t.slug !== self.slug) ?? crossVictim ?? tenants.find((t) => t.slug !== self.slug);
  if (!victim) throw new Error(`layout ${name}: the probes need at least two tenants`);
  return {
    pooled: home.pooled,
    appFilter: home.appFilter,
    rls: home.rls,
    contextKind: home.context,
    login: (t, db) => cfg(db ?? locate(t).database, locate(t).loginRole),
    databaseOf: (t) => locate(t).database,
    schemaOf: (t) => locate(t).schema,
    roleOf: (t) => locate(t).tenantRole,
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
