import { inConnection, observation } from '../probe-kit.js';
import type { Probe, ProbeEnv } from '../probe.js';

/** Layouts whose router scopes a session with something a query could forget to set. */
export const contextLayouts = (env: ProbeEnv) =>
  env.contextKind === 'setting' || env.contextKind === 'search_path' || env.contextKind === 'role';

/**
 * The application's login with no tenant context at all (a code path that queries without going
 * through the router): it must see nothing or fail, never everything.
 */
export const noTenantContext: Probe = {
  id: 'no-tenant-context',
  description: 'query as the application role with no tenant context set',
  appliesTo: contextLayouts,
  run: (env) =>
    inConnection(env.login(env.self), async (s) => {
      const r = await s.try('SELECT id FROM order_items');
      if (!r.ok)
        return observation('blocked', s.sql, 'no rows, or an error', { rowsSeen: 0, sqlstate: r.sqlstate ?? undefined, detail: r.message });
      // Without a context no row belongs to the session: every row seen is a leak.
      return observation(r.rows.length ? 'leaked' : 'blocked', s.sql, 'no rows, or an error', { rowsSeen: r.rows.length });
    }),
};
