/**
 * The `pooler` scenario's stage: the scenario's workload through PgBouncer in transaction mode,
 * next to the same workload on direct connections, with read-type leak probes in every measured
 * window; and the leak demonstration: the session-level context pattern (SET once per client
 * connection) through the same PgBouncer, where a client's transaction runs on a server
 * connection another client's SET left its tenant on.
 *
 * Per-transaction context leaking fails the run (exit 1, like the verifier); the session-level
 * leak through the pooler is this scenario's expected finding (recorded, exit 0).
 */
import type { ResolvedWorkload } from '../config/load-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import { withAdmin } from '../db/client.js';
import { UsageError, errorMessage } from '../errors.js';
import type { LayoutContext, TenantRouter } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import type { PoolerRow, PoolerSummary } from '../results/pooler-schema.js';
import { QUERIES } from '../workload/query-registry.js';
import type { QueryName } from '../workload/query-registry.js';
import { measureSegment } from '../workload/measure-segment.js';
import type { SegmentResult } from '../workload/measure-segment.js';
import { emptyWorkloadSummary, summarizeLayout } from '../workload/summarize-workload.js';
import { IsolationLeakError } from '../verify/verify-errors.js';
import type { RunSession } from '../pipeline/run-session.js';
import { layoutOrder } from '../pipeline/run-stage.js';
import { poolerSection } from '../report/pooler-section.js';
import { sectionLines } from '../report/terminal-section.js';
import { PgBouncer, targetThrough } from './pgbouncer.js';
import { findPgBouncer, supportsNamedPreparedStatements } from './pgbouncer-binary.js';
import type { PgBouncerBinary } from './pgbouncer-binary.js';
import type { ResolvedPooler } from '../config/pooler-schema.js';
import { sessionLevelRouter } from './session-pinned-router.js';

type Context = PoolerRow['context'];
type Route = PoolerRow['route'];
interface Variant {
  context: Context;
  route: Route;
}

const VARIANTS: readonly Variant[] = [
  { context: 'per-transaction', route: 'pgbouncer' },
  { context: 'per-transaction', route: 'direct' },
  { context: 'session-level', route: 'pgbouncer' },
  { context: 'session-level', route: 'direct' },
];

const key = (l: LayoutName, v: Variant) => `${l}|${v.context}|${v.route}`;

/** Where the pooler comes from: started by the harness, or one already running (docker compose). */
export type PoolerSource = { kind: 'managed'; binary: PgBouncerBinary } | { kind: 'external'; host: string; port: number };

/**
 * Everything about the pooler that can be checked before a database is touched: the binary
 * (missing: exit 1 naming the package; a bad --pgbouncer-bin: exit 2) and whether the workload's
 * statements can go through it (named prepared statements need PgBouncer >= 1.21: exit 2). With
 * `--pgbouncer-address host:port` the harness starts nothing and routes through that PgBouncer.
 */
export function preflightPooler(
  pooler: ResolvedPooler,
  workload: ResolvedWorkload,
  pgbouncerBin?: string,
  pgbouncerAddress?: string,
): PoolerSource {
  if (pgbouncerAddress !== undefined) {
    const m = /^([A-Za-z0-9_.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(pgbouncerAddress);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535)
      throw new UsageError(`--pgbouncer-address "${pgbouncerAddress}": expected host:port, e.g. 127.0.0.1:56432`, 'pgbouncer-address');
    if (pgbouncerBin !== undefined)
      throw new UsageError(
        '--pgbouncer-bin and --pgbouncer-address exclude each other (start one, or use a running one)',
        'pgbouncer-address',
      );
    return { kind: 'external', host: m[1]!.replace(/^\[|\]$/g, ''), port };
  }
  const binary = findPgBouncer(pgbouncerBin);
  if (workload.prepared && !supportsNamedPreparedStatements(binary)) {
    throw new UsageError(
      `field "workload.prepared": true needs PgBouncer >= 1.21 (max_prepared_statements) to pass named prepared statements in ${pooler.poolMode} mode; ` +
        `${binary.path} is ${binary.version}. Set workload.prepared: false in the scenario (or run --no-prepared)`,
      'workload.prepared',
    );
  }
  return { kind: 'managed', binary };
}

/** A PgBouncer someone else runs: the harness only redirects the workload's connections to it. */
function externalPooler(
  host: string,
  port: number,
): Pick<PgBouncer, 'redirect' | 'description' | 'stop' | 'pools'> & { settings: Record<string, string> } {
  return {
    description: `PgBouncer at ${host}:${port} (not started by the harness; its pool mode and sizes are its own configuration)`,
    settings: {},
    redirect: (base) => ({ ...base, host, port }),
    stop: async () => {},
    pools: async () => null,
  };
}

/** Login roles the harness created under this run's prefix, with their derived passwords, plus the admin. */
export async function poolerUsers(ctx: LayoutContext): Promise<{ name: string; password: string }[]> {
  const roles = await withAdmin(ctx.target, ctx.target.admin.database, async (c) => {
    const r = await c.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname LIKE $1 ORDER BY 1', [
      `${ctx.naming.prefix}\\_%`,
    ]);
    return r.rows.map((x) => x.rolname);
  });
  const admin = ctx.target.admin;
  return [
    { name: admin.user, password: admin.password },
    ...roles.filter((r) => r !== admin.user).map((name) => ({ name, password: ctx.naming.password(name) })),
  ];
}

/** The read queries of a mix (the session-level segments must not write: a leaked context writes into another tenant). */
function readOnlyMix(mix: Readonly<Record<string, number>>): Record<string, number> {
  const out = Object.fromEntries(Object.entries(mix).filter(([q, w]) => w > 0 && !QUERIES[q as QueryName]?.writes));
  return Object.keys(out).length ? out : { 'recent-orders': 1 };
}

export type PoolerStageOptions = PoolerSource;

export async function poolerStage(s: RunSession, o: PoolerStageOptions): Promise<void> {
  const pooler = s.scenario.pooler;
  if (!pooler) throw new Error('poolerStage: the scenario has no pooler block');
  const base = s.scenario.workload;
  // Leak probes are the point of this stage: on in every segment, at the scenario's pace.
  const w: ResolvedWorkload = { ...base, leakProbes: { enabled: true, everyMs: base.leakProbes.everyMs } };
  const sessionMix = readOnlyMix(base.mix);
  const wSession: ResolvedWorkload = { ...w, mix: sessionMix };
  const managed = o.kind === 'managed' ? o.binary : null;
  // Managed: named statements only where PgBouncer can keep them (>= 1.21, max_prepared_statements
  // set here); external: as the scenario says, the operator configured that PgBouncer.
  const named = w.prepared && (managed ? supportsNamedPreparedStatements(managed) : true);
  const runnable = s.layouts.filter((l) => s.summary.layouts[l]?.status === 'ok');

  const bouncer =
    o.kind === 'managed'
      ? await PgBouncer.start({
          binary: o.binary,
          upstream: { host: s.target.admin.host, port: s.target.admin.port },
          users: await poolerUsers(s.ctx),
          adminUser: s.target.admin.user,
          poolMode: pooler.poolMode,
          poolSize: pooler.poolSize,
          maxClientConn: pooler.maxClientConn,
          maxPreparedStatements: named ? 1000 : 0,
          log: (l) => s.out(l),
        })
      : externalPooler(o.host, o.port);
  try {
    const pooled: LayoutContext = { ...s.ctx, target: targetThrough(s.target, bouncer) };
    const ws = emptyWorkloadSummary(w);
    s.summary.workload = ws;
    const ps: PoolerSummary = {
      kind: 'pgbouncer',
      managed: managed !== null,
      version: managed?.version ?? 'unknown (external)',
      binary: managed?.path ?? bouncer.description,
      poolMode: pooler.poolMode,
      poolSize: pooler.poolSize,
      maxClientConn: pooler.maxClientConn,
      settings: { ...bouncer.settings },
      preparedStatements: named ? 'named' : 'unnamed',
      preparedReason: named
        ? managed
          ? `named prepared statements through PgBouncer ${managed.version} with max_prepared_statements = ${bouncer.settings.max_prepared_statements}`
          : 'named prepared statements (workload.prepared: true): the external PgBouncer needs max_prepared_statements (>= 1.21)'
        : w.prepared
          ? `unnamed statements: PgBouncer ${managed?.version} < 1.21 cannot pass named prepared statements in transaction mode`
          : 'unnamed statements (workload.prepared: false), on both routes so they compare',
      workloadThroughPooler: true,
      sessionLevelMix: pooler.sessionLevelDemo ? sessionMix : null,
      rows: [],
      leaks: { perTransaction: 0, sessionLevelThroughPooler: 0, sessionLevelDirect: 0 },
    };
    s.summary.pooler = ps;
    const variants = VARIANTS.filter((v) => pooler.sessionLevelDemo || v.context === 'per-transaction');
    const segs = new Map<string, SegmentResult[]>();
    const failures = new Map<string, string>();
    const notApplicable = new Map<LayoutName, string>();
    // Layouts that were not seeded keep a row saying so, instead of disappearing from the table.
    for (const l of s.layouts)
      if (!runnable.includes(l)) notApplicable.set(l, `layout not seeded (${s.summary.layouts[l]?.status ?? 'unknown'})`);
    s.out(
      `pooler: ${bouncer.description}; ${w.mode} loop, ${w.users} users, ${w.warmupSeconds} s warm-up + ${w.durationSeconds} s per segment, ${w.repeats} repeat(s), ` +
        `${named ? 'named prepared' : 'unnamed'} statements; variants: ${variants.map((v) => `${v.context} via ${v.route}`).join(', ')}`,
    );
    for (let r = 0; r < w.repeats; r++) {
      const order = layoutOrder(runnable, s.scenario.seed, r);
      ws.order.push(order);
      for (const layout of order) {
        // Rotate the variants per repeat so none always runs first on a cold cache.
        const vs = variants.map((_, i) => variants[(i + r) % variants.length]!);
        for (const v of vs) {
          const k = key(layout, v);
          if (failures.has(k)) continue;
          const target = v.route === 'pgbouncer' ? pooled : s.ctx;
          let router: TenantRouter;
          if (v.context === 'per-transaction') {
            router = layoutOf(layout).router(target, { maxConnections: w.users });
          } else {
            const made = sessionLevelRouter(target, layout, w.users + 1);
            if ('reason' in made) {
              notApplicable.set(layout, made.reason);
              continue;
            }
            router = made;
          }
          try {
            const res = await measureSegment({
              ctx: s.ctx,
              layout,
              workload: v.context === 'session-level' ? wSession : w,
              repeat: r,
              router,
              // The prewarm holds its sessions at once: through PgBouncer, never more than its pool.
              // Through PgBouncer the server backends are its own: their states are recorded, not judged.
              ...(v.route === 'pgbouncer' ? { serverConnections: pooler.poolSize, pooler: bouncer.description } : {}),
            });
            segs.set(k, [...(segs.get(k) ?? []), res]);
            const lp = res.leakProbes;
            const all = res.recorder.queries.reduce((a, q) => a + q.ok, 0);
            s.out(
              `  repeat ${r + 1}/${w.repeats} ${layout} ${v.context} via ${v.route}: ${all} ok, ` +
                `leak probes ${lp?.probes ?? 0}, leaked ${lp?.leaked ?? 0}${res.valid ? '' : ` INVALID: ${res.invalidReasons.join('; ')}`}`,
            );
          } catch (err) {
            failures.set(k, errorMessage(err));
            s.out(`  repeat ${r + 1}/${w.repeats} ${layout} ${v.context} via ${v.route}: FAILED: ${errorMessage(err)}`);
          } finally {
            await router.close();
          }
          ps.rows = rowsOf(s.layouts, runnable, variants, w, wSession, segs, failures, notApplicable);
          ps.leaks = leakTotals(ps.rows);
          for (const l of runnable) {
            const list = segs.get(key(l, VARIANTS[0]!)) ?? [];
            if (list.length) ws.layouts[l] = summarizeLayout(w, list);
            const f = failures.get(key(l, VARIANTS[0]!));
            if (f) ws.layouts[l] = { ...summarizeLayout(w, list), status: 'failed', reason: f };
          }
          s.flush();
        }
      }
    }
    for (const l of sectionLines(poolerSection(s.summary))) s.out(l);
    if (ps.leaks.perTransaction > 0) {
      const bad = ps.rows.filter((x) => x.context === 'per-transaction' && (x.leakProbes?.leaked ?? 0) > 0);
      throw new IsolationLeakError(
        `pooler: rows of another tenant seen with per-transaction context in ${bad.map((x) => `${x.layout} via ${x.route}`).join(', ')}: ` +
          bad
            .map(
              (x) =>
                `${x.leakProbes!.leaked} of ${x.leakProbes!.probes} probes (first: ${x.leakProbes!.firstLeak?.probe} as ${x.leakProbes!.firstLeak?.tenant}: ${x.leakProbes!.firstLeak?.detail})`,
            )
            .join('; '),
      );
    }
    if (ps.leaks.sessionLevelThroughPooler > 0) {
      s.out(
        `pooler: expected finding: session-level context leaked through PgBouncer in transaction mode (${ps.leaks.sessionLevelThroughPooler} probes saw another tenant's rows); per-transaction context: 0 leaks`,
      );
    } else if (ps.rows.some((x) => x.context === 'session-level' && x.route === 'pgbouncer' && x.status === 'ok')) {
      // Not a failure, but said: at low concurrency PgBouncer often hands a client the server connection its own SET just ran on.
      s.out(
        'pooler: the session-level leak through PgBouncer was not observed in this run (fewer clients competing for server connections than needed to show it); per-transaction context: 0 leaks',
      );
    }
    if (failures.size) throw new Error(`pooler: ${[...failures].map(([k, m]) => `${k.replace(/\|/g, ' ')}: ${m}`).join('; ')}`);
  } finally {
    await bouncer.stop();
  }
}

function rowsOf(
  layouts: readonly LayoutName[],
  runnable: readonly LayoutName[],
  variants: readonly Variant[],
  w: ResolvedWorkload,
  wSession: ResolvedWorkload,
  segs: Map<string, SegmentResult[]>,
  failures: Map<string, string>,
  notApplicable: Map<LayoutName, string>,
): PoolerRow[] {
  const rows: PoolerRow[] = [];
  for (const layout of layouts) {
    for (const v of variants) {
      const expected: PoolerRow['expected'] = v.context === 'session-level' && v.route === 'pgbouncer' ? 'leak' : 'no leak';
      const base = { layout, context: v.context, route: v.route, expected };
      const list = segs.get(key(layout, v)) ?? [];
      const failed = failures.get(key(layout, v));
      const na = !runnable.includes(layout) || v.context === 'session-level' ? notApplicable.get(layout) : undefined;
      if (na || (!list.length && !failed)) {
        rows.push({
          ...base,
          status: 'not measured',
          reason: na ?? 'not reached',
          requests: null,
          errors: {},
          p50Ms: null,
          p99Ms: null,
          throughputPerS: null,
          valid: null,
          leakProbes: null,
        });
        continue;
      }
      const sum = summarizeLayout(v.context === 'session-level' ? wSession : w, list);
      const all = sum.all;
      // Latency and counts from valid repeats only (as in the workload section); leak probes from all.
      const anyValid = list.some((x) => x.valid);
      const withheld = anyValid
        ? null
        : `figures withheld: every repeat invalid (first: ${list.flatMap((x) => x.invalidReasons)[0] ?? 'no reason recorded'})`;
      rows.push({
        ...base,
        status: failed ? 'failed' : 'ok',
        reason: failed ?? withheld,
        requests: all && anyValid ? all.count : null,
        errors: all ? all.errors : {},
        p50Ms: all?.p50Ms ?? null,
        p99Ms: all?.p99Ms ?? null,
        throughputPerS: all?.throughputPerS ?? null,
        valid: list.length ? sum.valid : null,
        leakProbes: sum.leakProbes ?? null,
      });
    }
  }
  return rows;
}

function leakTotals(rows: readonly PoolerRow[]): PoolerSummary['leaks'] {
  const sum = (f: (r: PoolerRow) => boolean) => rows.filter(f).reduce((a, r) => a + (r.leakProbes?.leaked ?? 0), 0);
  return {
    perTransaction: sum((r) => r.context === 'per-transaction'),
    sessionLevelThroughPooler: sum((r) => r.context === 'session-level' && r.route === 'pgbouncer'),
    sessionLevelDirect: sum((r) => r.context === 'session-level' && r.route === 'direct'),
  };
}
