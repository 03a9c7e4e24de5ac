import { inSession, observation } from '../probe-kit.js';
import type { Probe } from '../probe.js';
import { contextLayouts } from './no-tenant-context.js';

/**
 * After the router's transaction-local context ended (COMMIT), the same connection has an empty
 * context: `current_setting(..., true)` returns '' (not NULL) and search_path / role are back to
 * their session values. Queries then must see nothing or fail, never everything.
 */
export const emptyContextAfterLocal: Probe = {
  id: 'empty-context-after-local',
  description: 'query on the same connection after the transaction-local context ended',
  appliesTo: contextLayouts,
  run: (env) =>
    inSession(env.router, env.self, async (s) => {
      const before = await s.try('SELECT id FROM order_items');
      await s.commit();
      const setting = await s.run<{ v: string | null; p: string; u: string }>(
        "SELECT current_setting('app.tenant_id', true) AS v, current_setting('search_path') AS p, current_user AS u",
      );
      const after = await s.try('SELECT id FROM order_items');
      const expected = 'no rows, or an error';
      const ctxText = `after COMMIT: app.tenant_id=${JSON.stringify(setting.rows[0]!.v)}, search_path=${setting.rows[0]!.p}, current_user=${setting.rows[0]!.u}`;
      if (after.ok && after.rows.length) return observation('leaked', s.sql, expected, { rowsSeen: after.rows.length, detail: ctxText });
      if (!before.ok || !before.rows.length) {
        return observation('finding', s.sql, expected, {
          rowsSeen: 0,
          detail: `control failed: the tenant saw none of its own rows inside the scoped transaction; ${ctxText}`,
        });
      }
      return observation('blocked', s.sql, expected, {
        rowsSeen: 0,
        sqlstate: after.ok ? undefined : (after.sqlstate ?? undefined),
        detail: ctxText,
      });
    }),
};
