import { withClient } from '../../db/client.js';
import { LatencyHistogram } from '../../measure/latency-histogram.js';
import type { Layout, LayoutContext } from '../layout.js';
import { RESET_ON_RELEASE } from './pool-router.js';

/** What the routers run when a connection goes back to the pool, and what that costs (issue 14). */
export interface ResetCost {
  /** The release round trip: COMMIT and the reset statements in one simple-query message. */
  mechanism: string;
  /** Releases timed per setting (with and without the reset), interleaved. */
  samples: number;
  /** P50 of the release round trip with COMMIT alone, ms. */
  commitP50Ms: number | null;
  /** P50 of the release round trip with COMMIT plus the reset, ms. */
  commitResetP50Ms: number | null;
  /** commitResetP50Ms - commitP50Ms: what the reset adds to every request, ms (noise can make it negative). */
  costP50Ms: number | null;
  /** "not measured: <why>" when the measurement failed, else null. */
  reason: string | null;
}

export const RESET_MECHANISM = `COMMIT; ${RESET_ON_RELEASE}`;

/**
 * A short micro-measurement on one connection logged in as the layout's application role for its
 * largest tier (the login the router uses): `samples` releases with COMMIT alone and `samples` with
 * COMMIT plus the reset, alternating (and alternating which goes first) so a drift in the machine's
 * load hits both alike. Each timed release ends an empty transaction (BEGIN in its own round trip,
 * untimed). About 2 x samples x 0.2-0.5 ms plus a connect: well under a second at 200.
 */
export async function measureResetCost(ctx: LayoutContext, layout: Layout, samples = 200): Promise<ResetCost> {
  const tier = [...layout.tiers(ctx)].sort((a, b) => b.tenants.length - a.tenants.length)[0];
  const tenant = tier?.tenants[0];
  if (!tenant) throw new Error(`layout ${layout.name}: no tenant to measure the reset with`);
  const where = layout.locate(ctx)(tenant);
  const config = ctx.target.config(where.database, { name: where.loginRole, password: ctx.naming.password(where.loginRole) });
  const [plain, reset] = [new LatencyHistogram(), new LatencyHistogram()];
  await withClient(config, async (c) => {
    const release = async (sql: string, h: LatencyHistogram | null) => {
      await c.query('BEGIN');
      const t0 = performance.now();
      await c.query(sql);
      h?.recordMs(performance.now() - t0);
    };
    // Warm the connection's plan and catalog caches; not recorded.
    for (let i = 0; i < 10; i++) await release(RESET_MECHANISM, null);
    for (let i = 0; i < samples; i++) {
      const pair: [string, LatencyHistogram][] = [
        ['COMMIT', plain],
        [RESET_MECHANISM, reset],
      ];
      if (i % 2) pair.reverse();
      for (const [sql, h] of pair) await release(sql, h);
    }
  });
  const [a, b] = [plain.percentileMs(50), reset.percentileMs(50)];
  return {
    mechanism: RESET_MECHANISM,
    samples,
    commitP50Ms: a,
    commitResetP50Ms: b,
    costP50Ms: a !== null && b !== null ? Math.round((b - a) * 1000) / 1000 : null,
    reason: null,
  };
}

/** measureResetCost, or the reason it could not run (a failed measurement never fails the workload). */
export async function resetCostOrReason(ctx: LayoutContext, layout: Layout): Promise<ResetCost> {
  try {
    return await measureResetCost(ctx, layout);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      mechanism: RESET_MECHANISM,
      samples: 0,
      commitP50Ms: null,
      commitResetP50Ms: null,
      costP50Ms: null,
      reason: `not measured: ${why}`,
    };
  }
}
