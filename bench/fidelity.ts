/**
 * Generator fidelity (issue 12): does tenantbench measure the database or itself? On one seeded
 * `rls` layout, the same SQL (the `recent-orders` join, BEGIN + set_config + query + COMMIT), the
 * same connections:
 *
 * 1. closed loop: pgbench (-M prepared, one script per tenant and parameter set, generated from the
 *    query registry), tenantbench's closed loop, and a bare node-postgres loop (bench:overhead's):
 *    throughput, ratios and the generator's CPU;
 * 2. open loop at 20%, 50% and 80% of pgbench's closed-loop rate: pgbench --rate (its latency from
 *    the scheduled start, read from its per-transaction log into the same HdrHistogram) against
 *    tenantbench's open loop (from the intended start): P50/P99 and ratios, tenantbench's schedule
 *    lateness and CPU.
 *
 * tenantbench runs once per generator-thread count (--threads, default 1 and 2: worker threads, each
 * with its own event loop and connections), as rows next to pgbench and the bare loop.
 *
 * Usage: USAGE below (`--help` prints it).
 *
 * The full run (1M rows) takes about 6-8 minutes: seeding ~2-3 min, then 3 closed-loop and 6
 * open-loop measurements of warm-up + seconds each. Targets: open loop at 20% and 50%, P50
 * within 10% of pgbench's and P99 within 25%; closed loop >= 0.8 x pgbench.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPool } from '../src/db/pool.js';
import type { ConnectionConfig } from '../src/db/types.js';
import { resolveScenario } from '../src/config/load-scenario.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { rlsContextSql } from '../src/layouts/common/rls-policy.js';
import type { PooledLayout } from '../src/layouts/common/pooled-layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { runCleanups } from '../src/lifecycle.js';
import { LatencyHistogram } from '../src/measure/latency-histogram.js';
import { prioritizeLoadGenerator } from '../src/measure/scheduler.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { findClientTool } from '../src/target/pg-binaries.js';
import { CompiledMix } from '../src/workload/compiled-mix.js';
import { measureSegment } from '../src/workload/measure-segment.js';
import type { SegmentResult } from '../src/workload/measure-segment.js';
import { pgbenchScripts, runPgbench } from '../src/workload/pgbench-reference.js';
import { recentOrders } from '../src/workload/queries/recent-orders.js';
import { mulberry32 } from '../seed/prng.js';
import { benchArgs, listOf, nonNegativeNumber, positiveInt, positiveNumber, settingsProfile } from './args.js';

const USAGE = `npm run bench:fidelity -- [--quick] [--tenants 20] [--rows 1000000] [--clients 8] [--seconds 30] [--warmup 5] [--profile benchmark|test]
                            [--threads 1,2] [--closed-only]

--closed-only: the closed loop only (e.g. to profile it: node --cpu-prof dist/bench/fidelity.js --quick --closed-only).

--quick: 6 tenants, 30,000 rows, 3 s per measurement, 1 s warm-up, test profile (about a minute).`;

const values = benchArgs(USAGE, {
  quick: { type: 'boolean', default: false },
  rows: { type: 'string', allowed: positiveInt },
  tenants: { type: 'string', allowed: positiveInt },
  clients: { type: 'string', default: '8', allowed: positiveInt },
  seconds: { type: 'string', allowed: positiveNumber },
  warmup: { type: 'string', allowed: nonNegativeNumber },
  profile: { type: 'string', allowed: settingsProfile },
  threads: { type: 'string', default: '1,2', allowed: listOf(positiveInt) },
  'closed-only': { type: 'boolean', default: false },
});
const quick = values.quick === true;
const tenants = Number(values.tenants ?? (quick ? 6 : 20));
const rows = Number(values.rows ?? (quick ? 30_000 : 1_000_000));
const clients = Number(values.clients);
const seconds = Number(values.seconds ?? (quick ? 3 : 30));
const warmup = Number(values.warmup ?? (quick ? 1 : 5));
const profile = (values.profile ?? (quick ? 'test' : 'benchmark')) as 'benchmark' | 'test';
const threadCounts = String(values.threads)
  .split(',')
  .map((x) => Number(x.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const closedOnly = values['closed-only'] === true;
const LAYOUT: LayoutName = 'rls';
const baseScenario = { name: 'bench-fidelity', tenants: { count: tenants }, rows, layouts: [LAYOUT] };
const say = (l: string) => process.stdout.write(`${l}\n`);
const f2 = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(2));
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b ? (a / b).toFixed(2) : 'n/a');

async function main(): Promise<void> {
  const t0 = performance.now();
  const target = await EmbeddedTarget.start({ profile });
  const scheduler = prioritizeLoadGenerator();
  if (scheduler.warning) console.warn(`warning: ${scheduler.warning}`);
  const tmp = mkdtempSync(join(tmpdir(), 'tenantbench-fidelity-'));
  try {
    say(
      `${target.description}; ${LAYOUT}, ${rows} rows, ${tenants} tenants, ${clients} connections, ${seconds} s per measurement (+${warmup} s warm-up)`,
    );
    const scenario = resolveScenario(baseScenario, 'bench/fidelity');
    const ctx = makeLayoutContext({ target, scenario, prefix: 'tbf', serverVersionNum: 150000 });
    const rls = layoutOf(LAYOUT) as unknown as PooledLayout;
    await layoutOf(LAYOUT).seed(ctx);
    (ctx.seeded as Set<LayoutName>).add(LAYOUT);
    const role = rls.appRole(ctx);
    const db = rls.db(ctx);
    const password = ctx.naming.password(role);
    const appConfig = target.config(db, { name: role, password });
    const workload = (w: Record<string, unknown>) =>
      resolveScenario(
        {
          ...baseScenario,
          workload: {
            mix: { 'recent-orders': 1 },
            users: clients,
            warmupSeconds: warmup,
            durationSeconds: seconds,
            repeats: 1,
            tenantChoice: { kind: 'uniform' },
            ...w,
          },
        },
        'bench',
      ).workload;

    // pgbench scripts from the query registry: one per tenant and parameter set.
    const pgbenchTool = findClientTool('pgbench', target.binaries!.major, target.binaries!.binDir);
    const mix = new CompiledMix({ 'recent-orders': 1 }, true);
    const set = pgbenchScripts({
      queries: mix.queries,
      weights: [1],
      tenants: ctx.plan.tenants.map((t) => ({ tenant: t, share: 1 / ctx.plan.tenants.length })),
      shape: () => ({ tenantFilter: false, tenantColumn: true }),
      contextSql: rlsContextSql,
      variants: 6,
      seed: scenario.seed,
    });
    for (const n of set.notExpressible) say(`pgbench cannot express ${n.query}: ${n.reason}`);
    const pgbench = async (ratePerS: number | null) => {
      if (!pgbenchTool.path) return null;
      return runPgbench({
        pgbench: pgbenchTool.path,
        host: target.admin.host,
        port: target.admin.port,
        user: role,
        password,
        database: db,
        scripts: set.scripts,
        clients,
        threads: 1,
        seconds,
        ratePerS,
        warmupSeconds: warmup,
        workDir: tmp,
      });
    };

    // 1. closed loop
    const pgClosed = await pgbench(null);
    if (!pgbenchTool.path) say(`pgbench: not measured: ${'reason' in pgbenchTool ? pgbenchTool.reason : 'not found'}`);
    const tbClosedRuns = [];
    for (const n of threadCounts) {
      tbClosedRuns.push({
        n,
        seg: await measureSegment({ ctx, layout: LAYOUT, workload: workload({ mode: 'closed', generatorThreads: n }), repeat: 0 }),
      });
    }
    const tbClosed = tbClosedRuns[0]!.seg;
    const tbTps = Math.max(...tbClosedRuns.map((r) => r.seg.recorder.queries[0]!.ok / seconds));
    const bare = await bareLoop(appConfig, ctx.plan.tenants);
    say('');
    say('closed loop (as fast as each client can), same connections:');
    say('| client | tx/s | vs pgbench | generator CPU % of a core |');
    say('|---|---:|---:|---:|');
    if (pgClosed) say(`| pgbench -M prepared | ${pgClosed.tps.toFixed(0)} | 1.00 | (separate process) |`);
    for (const { n, seg } of tbClosedRuns) {
      const tps = seg.recorder.queries[0]!.ok / seconds;
      say(
        `| tenantbench closed loop, ${n} generator thread${n > 1 ? 's' : ''} | ${tps.toFixed(0)} | ${ratio(tps, pgClosed?.tps)} | ${cpuOf(seg)} |${seg.valid ? '' : ` INVALID: ${seg.invalidReasons.join('; ')}`}`,
      );
    }
    say(`| bare node-postgres loop | ${bare.tps.toFixed(0)} | ${ratio(bare.tps, pgClosed?.tps)} | ${bare.cpuPercent.toFixed(0)} |`);
    for (const { n, seg } of tbClosedRuns) say(`closed loop, ${n} thread${n > 1 ? 's' : ''}: ${backendsOf(seg)}`);
    const ph = tbClosed.recorder.queries[0]!;
    say(
      `tenantbench closed-loop phases (mean ms): acquire ${f2(ph.acquire.meanMs())}, query ${f2(ph.query.meanMs())}, commit ${f2(ph.commit.meanMs())}; server exec (pg_stat_statements) ${f2(tbClosed.serverTime?.perQuery[0] ? tbClosed.serverTime.perQuery[0].totalExecMs / Math.max(1, tbClosed.serverTime.perQuery[0].calls) : null)} ms`,
    );

    if (closedOnly) return;
    // 2. open loop at fractions of pgbench's closed-loop rate (else of tenantbench's)
    const capacity = pgClosed?.tps ?? tbTps;
    say('');
    say(
      `open loop (Poisson), latency from the intended start; rates are fractions of ${pgClosed ? "pgbench's" : "tenantbench's"} closed-loop ${capacity.toFixed(0)} tx/s:`,
    );
    say(
      '| rate | pgbench P50 | tenantbench P50 | ratio | pgbench P99 | tenantbench P99 | ratio | pgbench lag P99 | tenantbench lateness P99 | tenantbench CPU % | valid |',
    );
    say('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const share of [0.2, 0.5, 0.8]) {
      const rate = Math.max(1, Math.round(capacity * share));
      const pg = await pgbench(rate);
      for (const n of threadCounts) {
        const seg = await measureSegment({
          ctx,
          layout: LAYOUT,
          workload: workload({ mode: 'open', ratePerS: rate, arrival: 'poisson', generatorThreads: n }),
          repeat: 1,
        });
        const q = seg.recorder.queries[0]!;
        const tb50 = q.response.percentileMs(50);
        const tb99 = q.response.percentileMs(99);
        const pg50 = pg?.log.response.percentileMs(50) ?? null;
        const pg99 = pg?.log.response.percentileMs(99) ?? null;
        say(
          `| ${(share * 100).toFixed(0)}% = ${rate}/s, ${n} thr | ${f2(pg50)} | ${f2(tb50)} | ${ratio(tb50, pg50)} | ${f2(pg99)} | ${f2(tb99)} | ${ratio(tb99, pg99)} | ${f2(pg?.log.scheduleLag.percentileMs(99))} | ${f2(q.lateness.percentileMs(99))} | ${cpuOf(seg)} (${seg.clientCpu.percentOfOneCore.toFixed(0)} with spin) | ${seg.valid ? 'yes' : `NO: ${seg.invalidReasons.join('; ')}`} |`,
        );
        say(
          `|   | tenantbench phases (mean ms): lateness ${f2(q.lateness.meanMs())}, acquire ${f2(q.acquire.meanMs())}, query ${f2(q.query.meanMs())}, commit ${f2(q.commit.meanMs())}; server busy ${seg.generator.serverBusyShare == null ? 'n/a' : `${(seg.generator.serverBusyShare * 100).toFixed(0)}%`} of the connections' time |||||||||||`,
        );
        say(`|   | ${backendsOf(seg)} |||||||||||`);
      }
    }
    say('');
    say(
      `targets: open loop at 20% and 50%: P50 ratio <= 1.10, P99 ratio <= 1.25; closed loop >= 0.80 x pgbench. Took ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await target.stop();
    await runCleanups();
  }
}

/** The router's queue and the server backends' states in the window, and whether the router-queue rule flagged it. */
function backendsOf(seg: SegmentResult): string {
  const q = seg.generator.routerQueue;
  const b = seg.generator.serverBackends;
  const pct = (x: number | null | undefined) => (x == null ? 'n/a' : `${(x * 100).toFixed(0)}%`);
  const queued = q?.requests
    ? `${pct(q.waitedForHeld / q.requests)} of requests queued for a held connection (mean ${f2(q.waitedForHeld ? q.waitedForHeldMs / q.waitedForHeld : 0)} ms)`
    : 'router queue n/a';
  const states = b?.reason
    ? b.reason
    : `server backends active ${pct(b?.activeShare)}, idle in transaction ${pct(b?.idleInTransactionShare)}, idle ${pct(b?.idleShare)} (${b?.samples ?? 0} samples)`;
  const flagged = seg.invalidReasons.some((r) => r.includes('queued in the router'))
    ? 'FLAGGED generator-limited (router queue)'
    : 'router-queue rule: not flagged';
  return `${queued}; ${states}; ${flagged}`;
}

/** Busy CPU, % of a core: the process's on one thread, each thread's with several ("41+38"). */
function cpuOf(seg: SegmentResult): string {
  const t = seg.generator.perThread;
  return t ? t.map((x) => x.busyCpuPercentOfOneCore.toFixed(0)).join('+') : seg.generator.busyCpuPercentOfOneCore.toFixed(0);
}

/** bench:overhead's bare node-postgres loop, with the rls transaction shape (BEGIN + set_config, query, COMMIT). */
async function bareLoop(config: ConnectionConfig, tenantList: readonly { id: string }[]): Promise<{ tps: number; cpuPercent: number }> {
  const text = recentOrders.sql({ tenantFilter: false, tenantColumn: true }).text;
  const pool = createPool(config, { max: clients });
  const rnd = mulberry32(1);
  let done = 0;
  let measuring = false;
  const end = performance.now() + (warmup + seconds) * 1000;
  let cpu0 = process.cpuUsage();
  const timer = setTimeout(() => {
    measuring = true;
    cpu0 = process.cpuUsage();
  }, warmup * 1000);
  const lat = new LatencyHistogram();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t = tenantList[Math.floor(rnd() * tenantList.length)]!;
        const s = performance.now();
        const c = await pool.connect();
        await c.query(`BEGIN; SELECT set_config('app.tenant_id', '${t.id}', true)`);
        await c.query({
          name: 'bare_recent_orders',
          text,
          values: [new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 6.3e10)).toISOString()],
        });
        await c.query('COMMIT');
        c.release();
        if (measuring) {
          done++;
          lat.recordMs(performance.now() - s);
        }
      }
    }),
  );
  clearTimeout(timer);
  const cpu = process.cpuUsage(cpu0);
  await pool.end();
  return { tps: done / seconds, cpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100 };
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
