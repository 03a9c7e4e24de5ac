/**
 * How many server connections a layout needs at a given concurrency: `concurrency` workers each
 * take tenant sessions through the layout's own router (every tenant, round robin), hold each for
 * a moment, and the router's stats() say how many connections were open at once, opened in total
 * (churn: the per-database layout closes idle connections at its cap) and how often an acquire
 * waited. pg_stat_activity is sampled alongside as the server's view.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '../../db/client.js';
import type { LayoutName } from '../../config/scenario-schema.js';
import type { LayoutContext } from '../../layouts/layout.js';
import { layout as layoutOf } from '../../layouts/registry.js';
import { stopwatch } from '../../measure/timer.js';
import type { LayoutConnections } from '../../results/connections-schema.js';
import { serversOf } from '../../target/placed-target.js';

export interface ConnectionsOptions {
  concurrency?: number;
  /** Sessions per worker (default: enough to visit every tenant twice). */
  sessionsPerWorker?: number;
  /** How long each session is held, ms: long enough for the workers to overlap. */
  holdMs?: number;
}

export async function connectionsProbe(layout: LayoutName, ctx: LayoutContext, o: ConnectionsOptions = {}): Promise<LayoutConnections> {
  const concurrency = o.concurrency ?? 8;
  const tenants = ctx.plan.tenants;
  const perWorker = o.sessionsPerWorker ?? Math.max(4, Math.ceil((2 * tenants.length) / concurrency));
  const router = layoutOf(layout).router(ctx, { maxConnections: concurrency });
  // One admin connection per server (several with a placement): the backends seen in one round are summed.
  const admins = await Promise.all(serversOf(ctx.target).map((t) => connect(t.config(t.admin.database))));
  let serverPeak: number | null = null;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      try {
        const counts = await Promise.all(
          admins.map((admin) =>
            admin.query<{ n: string }>(
              "SELECT count(*)::text AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name = 'tenantbench' AND usename <> current_user",
            ),
          ),
        );
        serverPeak = Math.max(
          serverPeak ?? 0,
          counts.reduce((a, r) => a + Number(r.rows[0]!.n), 0),
        );
      } catch {
        // keep sampling; a missing figure stays null
      }
      await sleep(5);
    }
  })();
  const sw = stopwatch();
  let sessions = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        for (let i = 0; i < perWorker; i++) {
          const tenant = tenants[(w + i * concurrency) % tenants.length]!;
          const s = await router.acquire(tenant);
          try {
            await s.query('SELECT 1');
            await sleep(o.holdMs ?? 10);
            await s.release();
          } catch (err) {
            await s.release(err);
            throw err;
          }
          sessions++;
        }
      }),
    );
  } finally {
    sampling = false;
    await sampler;
    await Promise.all(admins.map((a) => a.end().catch(() => {})));
  }
  const seconds = sw.seconds();
  const st = router.stats();
  await router.close();
  return {
    concurrency,
    sessions,
    peakOpen: st.peakOpen,
    opened: st.opened,
    closed: st.closed,
    waits: st.waits,
    serverBackends: serverPeak,
    seconds,
  };
}
