/**
 * The server's view of connections while the workload runs: client backends per layout (by the
 * databases each layout owns), sampled from pg_stat_activity every `intervalMs`, keeping each
 * layout's peak. The harness's own admin backends (the sampler's, the buffer-cache prewarm's and
 * snapshots') are left out: they are the measurement's, not the layout's.
 */
import { connect } from '../db/client.js';
import { APP_BACKENDS_WHERE } from '../measure/app-backends.js';
import { pollQuery } from '../measure/poll-query.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { LayoutContext } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';

export interface ServerConnectionSampler {
  /** Peak client backends per layout; a layout never seen is absent (null = sampling failed). */
  stop(): Promise<Map<LayoutName, number> | null>;
}

export async function sampleServerConnections(
  ctx: LayoutContext,
  layouts: readonly LayoutName[],
  intervalMs = 50,
): Promise<ServerConnectionSampler> {
  const owner = new Map<string, LayoutName>();
  for (const l of layouts) for (const db of layoutOf(l).databases(ctx)) owner.set(db, l);
  const client = await connect(ctx.target.config(ctx.target.admin.database), { ignoreIdleErrors: true });
  const peaks = new Map<LayoutName, number>();
  const polling = pollQuery(async () => {
    const r = await client.query<{ datname: string; n: string }>(
      `SELECT datname, count(*)::text AS n FROM pg_stat_activity WHERE ${APP_BACKENDS_WHERE} GROUP BY datname`,
    );
    const now = new Map<LayoutName, number>();
    for (const row of r.rows) {
      const l = owner.get(row.datname);
      if (l) now.set(l, (now.get(l) ?? 0) + Number(row.n));
    }
    for (const [l, n] of now) peaks.set(l, Math.max(peaks.get(l) ?? 0, n));
  }, intervalMs);
  return {
    async stop() {
      const failure = await polling.stop();
      await client.end().catch(() => {});
      return failure ? null : peaks;
    },
  };
}
