import type { ClientConfig } from 'pg';
import { CappedKeyedRouter } from '../layouts/common/capped-router.js';
import type { LayoutContext, LayoutName, TenantRouter } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';

/**
 * The session-level context pattern: each client connection belongs to one tenant, whose context
 * is set once with a session-level SET right after connecting (outside any transaction); each
 * request then runs `BEGIN ... COMMIT` on a connection of its tenant. Against PostgreSQL directly
 * this is safe (the session is the tenant's). Through a transaction-mode pooler it is not: the SET
 * ran on whichever server connection the pooler lent for that one statement, and each later
 * transaction may get another server connection, carrying another client's SET.
 *
 * Connections are capped (`cap`); at the cap the least recently used idle connection of another
 * tenant is closed to make room, else the caller waits for a release.
 */
export class SessionPinnedRouter extends CappedKeyedRouter {
  constructor(
    cap: number,
    configOf: (t: TenantPlan) => ClientConfig,
    /** Session-level statement(s) that set a tenant's context, run once per connection. */
    sessionContextSql: (t: TenantPlan) => string,
  ) {
    super(cap, configOf, () => '', sessionContextSql);
  }
}

/**
 * The session-level variant of a layout's context (`Layout.sessionLevelContext`), connecting as
 * the layout's application role through `ctx.target` (direct, or a pooled view of it). Returns
 * the layout's reason instead when it has no session context to set this way.
 */
export function sessionLevelRouter(ctx: LayoutContext, layout: LayoutName, cap: number): TenantRouter | { reason: string } {
  const c = layoutOf(layout).sessionLevelContext(ctx);
  if ('reason' in c) return c;
  return new SessionPinnedRouter(
    cap,
    (t) => ctx.target.config(c.database, { name: c.loginRole(t), password: ctx.naming.password(c.loginRole(t)) }),
    (t) => c.sql(t),
  );
}
