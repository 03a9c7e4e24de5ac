import { assertSlug, assertUuid, ident, literal } from '../db/sql.js';
import type { LayoutContext, LayoutName, TenantRouter } from '../layouts/layout.js';
import { RlsLayout } from '../layouts/rls/rls-layout.js';
import { TENANT_SETTING } from '../layouts/common/rls-policy.js';
import { SchemaLayout } from '../layouts/schema/schema-layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import { SessionPinnedRouter } from './session-pinned-router.js';

/** Session-level (is_local = false) RLS context: it lasts as long as the server session. */
export function rlsSessionContextSql(t: TenantPlan): string {
  return `SELECT set_config(${literal(TENANT_SETTING)}, ${literal(assertUuid(t.id))}, false)`;
}

/** Session-level search_path (and role, with a role per tenant). */
export function schemaSessionContextSql(t: TenantPlan, role: string | null): string {
  const path = `SELECT set_config('search_path', ${literal(ident(assertSlug(t.slug)))}, false)`;
  return role ? `${path}; SET SESSION ROLE ${ident(role)}` : path;
}

/**
 * The session-level variant of a layout's context, connecting as the layout's application role
 * through `ctx.target` (direct, or a pooled view of it). Returns the reason instead when the
 * layout has no session context to set this way.
 */
export function sessionLevelRouter(ctx: LayoutContext, layout: LayoutName, cap: number): TenantRouter | { reason: string } {
  if (layout === 'rls') {
    const l = new RlsLayout();
    const role = l.appRole(ctx);
    const cfg = ctx.target.config(l.db(ctx), { name: role, password: ctx.naming.password(role) });
    return new SessionPinnedRouter(cap, () => cfg, rlsSessionContextSql);
  }
  if (layout === 'schema') {
    const l = new SchemaLayout();
    const role = l.appRole(ctx);
    const perTenant = ctx.scenario.layoutOptions.schema.rolePerTenant;
    const cfg = ctx.target.config(l.db(ctx), { name: role, password: ctx.naming.password(role) });
    return new SessionPinnedRouter(
      cap,
      () => cfg,
      (t) => schemaSessionContextSql(t, perTenant ? l.tenantRole(ctx, t) : null),
    );
  }
  if (layout === 'shared')
    return { reason: "no session context to set: the shared layout scopes by the application's tenant_id filter only" };
  if (layout === 'database')
    return { reason: "the database is the context: a connection, and PgBouncer's pool per (database, user), serves one tenant only" };
  return { reason: 'the session-level variant is built for the rls and schema layouts (hybrid routes by tier)' };
}
