/**
 * The pgbench processes that drive one layout like tenantbench's workload does: tenants grouped by
 * where they live (server, database, login role, from the layout's `locate`), one pgbench process per
 * group, or more when a group needs more than pgbench's 128 scripts. Each process gets its share of
 * the offered rate and of the connections, by the tenant choice weights of its tenants.
 */
import type { ResolvedWorkload } from '../config/load-scenario.js';
import type { TenantChoice } from '../config/scenario-schema.js';
import type { ConnectionConfig } from '../db/types.js';
import type { LayoutContext, TenantLocation } from '../layouts/layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import { CompiledMix } from './compiled-mix.js';
import { customQueriesOf } from './custom-query.js';
import { noisyTenantOf } from './noisy-neighbour.js';
import { transactionContextSql } from './pgbench-context.js';
import { PGBENCH_MAX_SCRIPTS, pgbenchScripts } from './pgbench-reference.js';
import type { PgbenchScript } from './pgbench-reference.js';

/** Parameter sets per tenant and query (fewer when the 128-script limit needs it). */
const VARIANTS = 8;

export interface PlannedProcess {
  /** Where it connects (the login role's password is in `password`, passed as PGPASSWORD only). */
  conn: ConnectionConfig;
  scripts: PgbenchScript[];
  tenants: TenantPlan[];
  /** Share of the measured traffic (tenant choice weights of its tenants, expressible queries only). */
  share: number;
  clients: number;
  /** Transactions per second offered to this process (open loop), else null. */
  ratePerS: number | null;
}

export interface ReferencePlan {
  processes: PlannedProcess[];
  /** Queries of the mix pgbench cannot express, with why. */
  notExpressible: { query: string; reason: string }[];
  /** Mix queries pgbench runs, with their share of the mix (weight / total weight of the whole mix). */
  expressible: { query: string; mixShare: number }[];
  /** Open loop: the rate pgbench offers in all (the expressible queries' part of workload.ratePerS). */
  offeredPerS: number | null;
}

/** Share of the requests each tenant gets under the workload's tenant choice (makeTenantChooser's weights). */
export function tenantShares(choice: TenantChoice, tenants: readonly TenantPlan[]): Map<TenantPlan, number> {
  const out = new Map<TenantPlan, number>();
  const n = tenants.length;
  if (choice.kind === 'weighted') {
    const total = tenants.reduce((a, t) => a + t.rows, 0);
    for (const t of tenants) out.set(t, total ? t.rows / total : 1 / n);
    return out;
  }
  if (choice.kind === 'hot') {
    const hot = choice.tenant
      ? tenants.find((t) => t.slug === choice.tenant)
      : [...tenants].sort((a, b) => b.rows - a.rows || a.index - b.index)[0];
    for (const t of tenants) out.set(t, n === 1 ? 1 : t === hot ? choice.share : (1 - choice.share) / (n - 1));
    return out;
  }
  for (const t of tenants) out.set(t, 1 / n);
  return out;
}

/**
 * The processes for one layout. Everything about where a tenant lives and how it is scoped comes
 * from `locate` (database, schema, login role, context kind); the SQL shape is the one the
 * measured requests use (execute-request.ts).
 */
export function planReference(ctx: LayoutContext, locate: (t: TenantPlan) => TenantLocation, w: ResolvedWorkload): ReferencePlan {
  const mix = new CompiledMix(w.mix, w.prepared, customQueriesOf(ctx.scenario));
  const total = Object.values(w.mix).reduce((a, x) => a + x, 0);
  const noisy = noisyTenantOf(w, ctx.plan.tenants);
  const tenants = noisy ? ctx.plan.tenants.filter((t) => t !== noisy) : ctx.plan.tenants;
  const shares = tenantShares(w.tenantChoice, tenants);
  const readable = mix.queries.filter((q) => !q.query.writes);
  const expressibleShare = readable.reduce((a, q) => a + (w.mix[q.name] ?? 0), 0) / total;
  const groups = new Map<string, { conn: ConnectionConfig; tenants: TenantPlan[] }>();
  for (const t of tenants) {
    const loc = locate(t);
    const conn = ctx.target.config(loc.database, { name: loc.loginRole, password: ctx.naming.password(loc.loginRole) });
    const key = `${conn.host}:${conn.port}/${conn.database}/${conn.user}`;
    const g = groups.get(key) ?? { conn, tenants: [] };
    g.tenants.push(t);
    groups.set(key, g);
  }
  // At most 128 scripts per process: one per tenant and query (variants shrink to fit).
  const perChunk = Math.max(1, Math.floor(PGBENCH_MAX_SCRIPTS / Math.max(1, readable.length)));
  const processes: PlannedProcess[] = [];
  const notExpressible = new Map<string, string>();
  for (const g of groups.values()) {
    for (let i = 0; i < g.tenants.length; i += perChunk) {
      const chunk = g.tenants.slice(i, i + perChunk);
      const share = chunk.reduce((a, t) => a + shares.get(t)!, 0);
      const set = pgbenchScripts({
        queries: mix.queries,
        weights: mix.queries.map((q) => (w.mix[q.name] ?? 0) / total),
        tenants: chunk.map((t) => ({ tenant: t, share: share > 0 ? shares.get(t)! / share : 1 / chunk.length })),
        shape: (t) => {
          const loc = locate(t);
          return { tenantFilter: loc.appFilter || (w.explicitTenantFilter && loc.pooled), tenantColumn: loc.pooled };
        },
        contextSql: (t) => transactionContextSql(locate(t), t),
        variants: VARIANTS,
        seed: ctx.scenario.seed,
      });
      for (const n of set.notExpressible) if (!notExpressible.has(n.query)) notExpressible.set(n.query, n.reason);
      if (!set.scripts.length) continue;
      processes.push({ conn: g.conn, scripts: set.scripts, tenants: chunk, share, clients: 0, ratePerS: null });
    }
  }
  const traffic = processes.reduce((a, p) => a + p.share, 0) || 1;
  for (const p of processes) {
    p.share /= traffic;
    p.ratePerS = w.mode === 'open' ? w.ratePerS * expressibleShare * p.share : null;
  }
  const clients = splitConnections(
    w.users,
    processes.map((p) => p.share),
  );
  for (const [i, p] of processes.entries()) p.clients = clients[i]!;
  return {
    processes,
    notExpressible: [...notExpressible].map(([query, reason]) => ({ query, reason })),
    expressible: readable
      .filter((q) => !notExpressible.has(q.name))
      .map((q) => ({ query: q.name, mixShare: (w.mix[q.name] ?? 0) / total })),
    offeredPerS: w.mode === 'open' ? w.ratePerS * expressibleShare : null,
  };
}

/**
 * `users` connections split by share (largest remainder), every process getting at least one:
 * the total is `users`, or the number of processes when there are more of them.
 */
export function splitConnections(users: number, shares: readonly number[]): number[] {
  const exact = shares.map((x) => users * x);
  const out = exact.map((x) => Math.max(1, Math.floor(x)));
  const target = Math.max(users, shares.length);
  let sum = out.reduce((a, x) => a + x, 0);
  const byRemainder = exact.map((x, i) => [x - out[i]!, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; sum < target; k = (k + 1) % byRemainder.length, sum++) out[byRemainder[k]![1]]!++;
  // The floor of one made some processes take more than their share: give back from the largest.
  while (sum > target) {
    const i = out.reduce((best, x, j) => (x > 1 && x - exact[j]! > (best < 0 ? -Infinity : out[best]! - exact[best]!) ? j : best), -1);
    if (i < 0) break;
    out[i]!--;
    sum--;
  }
  return out;
}
