/**
 * One layout driven by pgbench as the reference load generator: the processes of pgbench-plan.ts
 * run at once (same warm-up and window as a tenantbench segment), their per-transaction logs read
 * into HdrHistograms and merged exactly (HDR add) per query.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import createDebug from 'debug';
import type { ResolvedWorkload } from '../config/load-scenario.js';
import type { LayoutContext, LayoutName } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { LatencyHistogram } from '../measure/latency-histogram.js';
import type { Reference, ReferenceQuery } from '../results/workload-schema.js';
import type { PgbenchBinary } from './pgbench-binary.js';
import { planReference } from './pgbench-plan.js';
import { runPgbench } from './pgbench-reference.js';

const debug = createDebug('tenantbench:pgbench');

/** The reference object when nothing ran (pgbench absent...): every query says why. */
export function referenceNotMeasured(w: ResolvedWorkload, reason: string, version: string | null = null): Reference {
  return {
    ...referenceFrame(w, version),
    reason,
    queries: Object.fromEntries(
      Object.entries(w.mix)
        .filter(([, x]) => x > 0)
        .map(([q]) => [q, { measured: false, reason }]),
    ),
  };
}

function referenceFrame(w: ResolvedWorkload, version: string | null): Omit<Reference, 'queries' | 'reason'> {
  return {
    tool: 'pgbench',
    version,
    mode: w.mode,
    latencyBasis: w.mode === 'open' ? 'intended-start' : 'actual-start',
    offeredPerS: null,
    connections: 0,
    processes: 0,
    durationSeconds: w.durationSeconds,
    scheduleLagP99Ms: null,
    warnings: [],
  };
}

export async function measureReference(o: {
  ctx: LayoutContext;
  layout: LayoutName;
  workload: ResolvedWorkload;
  pgbench: PgbenchBinary;
  workDir: string;
}): Promise<Reference> {
  const w = o.workload;
  const plan = planReference(o.ctx, layoutOf(o.layout).locate(o.ctx), w);
  // Threads per process: the machine's cores shared by the processes (a process per tenant database gets one).
  const threads = Math.max(1, Math.floor(availableParallelism() / Math.max(1, plan.processes.length)));
  debug(
    '%s: %d pgbench processes, %d clients',
    o.layout,
    plan.processes.length,
    plan.processes.reduce((a, p) => a + p.clients, 0),
  );
  const results = await Promise.all(
    plan.processes.map((p, i) =>
      runPgbench({
        pgbench: o.pgbench.path,
        host: p.conn.host,
        port: p.conn.port,
        user: p.conn.user,
        password: p.conn.password,
        database: p.conn.database,
        scripts: p.scripts,
        clients: p.clients,
        threads,
        seconds: w.durationSeconds,
        ratePerS: p.ratePerS,
        warmupSeconds: w.warmupSeconds,
        workDir: join(o.workDir, `${o.layout}-${i}`),
        queryMode: w.prepared ? 'prepared' : 'extended',
      }),
    ),
  );
  const perQuery = new Map<string, { h: LatencyHistogram; failed: number }>();
  const lag = new LatencyHistogram();
  for (const [i, r] of results.entries()) {
    lag.add(r.log.scheduleLag);
    const scripts = plan.processes[i]!.scripts;
    const add = (script: number) => {
      const q = scripts[script]?.query ?? '?';
      const e = perQuery.get(q) ?? { h: new LatencyHistogram(), failed: 0 };
      perQuery.set(q, e);
      return e;
    };
    for (const [script, h] of r.log.perScript) add(script).h.add(h);
    for (const [script, n] of r.log.failedPerScript) add(script).failed += n;
  }
  const queries: Record<string, ReferenceQuery> = {};
  for (const n of plan.notExpressible) queries[n.query] = { measured: false, reason: n.reason };
  for (const { query, mixShare } of plan.expressible) {
    const e = perQuery.get(query) ?? { h: new LatencyHistogram(), failed: 0 };
    const s = e.h.summary();
    queries[query] = {
      measured: true,
      p50Ms: s.p50Ms,
      p95Ms: s.p95Ms,
      p99Ms: s.p99Ms,
      maxMs: s.maxMs,
      transactions: e.h.count,
      failures: e.failed,
      throughputPerS: e.h.count / w.durationSeconds,
      offeredPerS: w.mode === 'open' ? w.ratePerS * mixShare : null,
      histogram: e.h.count ? e.h.encode() : null,
    };
  }
  return {
    ...referenceFrame(w, o.pgbench.version),
    reason: null,
    offeredPerS: plan.offeredPerS,
    connections: plan.processes.reduce((a, p) => a + p.clients, 0),
    processes: plan.processes.length,
    scheduleLagP99Ms: w.mode === 'open' ? lag.percentileMs(99) : null,
    warnings: results.flatMap((r) => (r.warning ? [r.warning] : [])),
    queries,
  };
}
