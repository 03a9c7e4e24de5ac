/**
 * What the workload runner itself costs, against one seeded `shared` layout, in one run:
 *
 * 1. Saturation: the join (`recent-orders`, random tenant, same transaction shape: BEGIN, query,
 *    COMMIT) driven for the same duration by (a) the runner (closed loop, HdrHistograms, scheduling),
 *    (b) a bare node-postgres loop (same statement, same number of clients, nothing else) and (c)
 *    pgbench (-M prepared, same clients, one script per tenant with the tenant's uuid). Prints the
 *    three throughputs, their ratios and the CPU used by this process in (a) and (b).
 * 2. At a fixed Poisson rate below all three saturations: the runner's open-loop P50/P99 (from the
 *    intended start) against pgbench --rate's (its per-transaction log, latency including schedule
 *    lag, read into the same HdrHistogram).
 *
 * Usage: USAGE below (`--help` prints it).
 *
 * On a machine shared by the server and the client, a client's per-query CPU cost shows directly in
 * throughput: that is the point. Targets (issue 3): runner >= 0.95 x bare loop; runner P50 at the
 * fixed rate within 15% of pgbench's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveScenario } from '../src/config/load-scenario.js';
import { createPool } from '../src/db/pool.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { runCleanups } from '../src/lifecycle.js';
import { LatencyHistogram } from '../src/measure/latency-histogram.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { findClientTool } from '../src/target/pg-binaries.js';
import { measureSegment } from '../src/workload/measure-segment.js';
import { recentOrders } from '../src/workload/queries/recent-orders.js';
import { DATA_SPAN_MS, DATA_START_MS } from '../src/workload/workload-query.js';
import { mulberry32 } from '../seed/prng.js';
import { prioritizeLoadGenerator } from '../src/measure/scheduler.js';
import { benchArgs, nonNegativeNumber, positiveInt, positiveNumber, settingsProfile } from './args.js';

const USAGE =
  'npm run bench:overhead -- [--rows 200000] [--tenants 10] [--clients 8] [--seconds 10] [--warmup 2] [--rate N] [--profile benchmark|test]';

const values = benchArgs(USAGE, {
  rows: { type: 'string', default: '200000', allowed: positiveInt },
  tenants: { type: 'string', default: '10', allowed: positiveInt },
  clients: { type: 'string', default: '8', allowed: positiveInt },
  seconds: { type: 'string', default: '10', allowed: positiveNumber },
  warmup: { type: 'string', default: '2', allowed: nonNegativeNumber },
  rate: { type: 'string', allowed: positiveNumber },
  profile: { type: 'string', default: 'benchmark', allowed: settingsProfile },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const baseScenario = {
  name: 'bench-overhead',
  tenants: { count: Number(values.tenants) },
  rows: Number(values.rows),
  layouts: ['shared'],
};
const say = (l: string) => process.stdout.write(`${l}\n`);

async function main(): Promise<void> {
  const target = await EmbeddedTarget.start({ profile: values.profile as 'benchmark' | 'test' });
  // The client must not be starved by the server's backend sessions (see src/measure/scheduler.ts).
  const scheduler = prioritizeLoadGenerator();
  if (scheduler.warning) console.warn(`warning: ${scheduler.warning}`);
  const tmp = mkdtempSync(join(tmpdir(), 'tenantbench-overhead-'));
  try {
    say(
      `${target.description}; ${values.rows} rows, ${values.tenants} tenants, ${clients} clients, ${seconds} s per measurement (+${warmup} s warm-up)`,
    );
    const scenario = resolveScenario(baseScenario, 'bench/workload-overhead');
    const ctx = makeLayoutContext({ target, scenario, prefix: 'tbo', serverVersionNum: 150000 });
    const shared = layoutOf('shared');
    await shared.seed(ctx);
    (ctx.seeded as Set<LayoutName>).add('shared');
    const role = ctx.naming.role('shared_app');
    const db = ctx.naming.db('shared');
    const appConfig = target.config(db, { name: role, password: ctx.naming.password(role) });

    // (a) the runner, closed loop
    const runnerWorkload = (w: Record<string, unknown>) =>
      resolveScenario(
        {
          ...baseScenario,
          workload: { mix: { 'recent-orders': 1 }, users: clients, warmupSeconds: warmup, durationSeconds: seconds, repeats: 1, ...w },
        },
        'bench',
      ).workload;
    const seg = await measureSegment({ ctx, layout: 'shared', workload: runnerWorkload({ mode: 'closed' }), repeat: 0 });
    const runnerOk = seg.recorder.queries[0]!.ok;
    const runnerTps = runnerOk / seconds;
    say(
      `runner: ${runnerTps.toFixed(0)} tx/s, CPU ${seg.clientCpu.percentOfOneCore.toFixed(0)}% of one core${seg.valid ? '' : ` (INVALID: ${seg.invalidReasons.join('; ')})`}`,
    );

    // (b) bare node-postgres loop: same statement, same transaction shape, nothing else
    const text = recentOrders.sql({ tenantFilter: true, tenantColumn: true }).text;
    // Session settings run once per connection, when it opens (in the warm-up), never per request.
    const pool = createPool(appConfig, { max: clients });
    const rnd = mulberry32(1);
    let done = 0;
    let measuring = false;
    const t0 = performance.now();
    const end = t0 + (warmup + seconds) * 1000;
    let cpu0 = process.cpuUsage();
    setTimeout(() => {
      measuring = true;
      cpu0 = process.cpuUsage();
    }, warmup * 1000);
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < end) {
          const t = ctx.plan.tenants[Math.floor(rnd() * ctx.plan.tenants.length)]!;
          const c = await pool.connect();
          await c.query('BEGIN');
          await c.query({
            name: 'bare_recent_orders',
            text,
            values: [new Date(DATA_START_MS + Math.floor(rnd() * DATA_SPAN_MS)).toISOString(), t.id],
          });
          await c.query('COMMIT');
          c.release();
          if (measuring) done++;
        }
      }),
    );
    const bareCpu = process.cpuUsage(cpu0);
    await pool.end();
    const bareTps = done / seconds;
    say(
      `bare node-postgres loop: ${bareTps.toFixed(0)} tx/s, CPU ${(((bareCpu.user + bareCpu.system) / 1e6 / seconds) * 100).toFixed(0)}% of one core`,
    );

    // (c) pgbench: one script per tenant (weights = uniform tenant choice), -M prepared
    const pgbench = findClientTool('pgbench', target.binaries!.major, target.binaries!.binDir);
    let pgbenchTps: number | null = null;
    const scripts: string[] = [];
    if (pgbench.path) {
      for (const t of ctx.plan.tenants) {
        const f = join(tmp, `${t.slug}.sql`);
        writeFileSync(
          f,
          `\\set ts random(0, ${Math.floor(DATA_SPAN_MS / 1000) - 1})\nBEGIN;\n` +
            `SELECT o.id, o.created_at, o.status, o.total, c.name, c.email FROM orders o JOIN customers c ON c.id = o.customer_id AND c.tenant_id = '${t.id}' ` +
            `WHERE o.created_at < timestamptz '2024-01-01 00:00:00+00' + make_interval(secs => :ts) AND o.tenant_id = '${t.id}' ORDER BY o.created_at DESC LIMIT 50;\nEND;\n`,
        );
        scripts.push('-f', `${f}@1`);
      }
      const env = { ...process.env, PGPASSWORD: ctx.naming.password(role) };
      const common = [
        '-n',
        '-M',
        'prepared',
        '-c',
        String(clients),
        '-j',
        '1',
        '-h',
        target.admin.host,
        '-p',
        String(target.admin.port),
        '-U',
        role,
        ...scripts,
        db,
      ];
      spawnSync(pgbench.path, [...common.slice(0, -1), '-T', String(Math.max(1, warmup)), db], { env, encoding: 'utf8' });
      const r = spawnSync(pgbench.path, [...common.slice(0, -1), '-T', String(seconds), db], { env, encoding: 'utf8' });
      pgbenchTps = Number(/tps = ([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
      if (!Number.isFinite(pgbenchTps)) {
        say(`pgbench failed: ${r.stderr}`);
        pgbenchTps = null;
      } else say(`pgbench -M prepared: ${pgbenchTps.toFixed(0)} tx/s`);
    } else say(`pgbench: not found (${'reason' in pgbench ? pgbench.reason : ''})`);

    say('');
    say('| client | tx/s | vs bare loop | vs pgbench |');
    say('|---|---:|---:|---:|');
    const ratio = (a: number, b: number | null) => (b ? (a / b).toFixed(2) : 'n/a');
    say(`| runner | ${runnerTps.toFixed(0)} | ${ratio(runnerTps, bareTps)} | ${ratio(runnerTps, pgbenchTps)} |`);
    say(`| bare node-postgres | ${bareTps.toFixed(0)} | 1.00 | ${ratio(bareTps, pgbenchTps)} |`);
    if (pgbenchTps) say(`| pgbench | ${pgbenchTps.toFixed(0)} | ${ratio(pgbenchTps, bareTps)} | 1.00 |`);

    // 2. fixed rate below every saturation
    const rate = values.rate ? Number(values.rate) : Math.max(1, Math.floor(0.5 * Math.min(runnerTps, bareTps, pgbenchTps ?? Infinity)));
    const open = await measureSegment({
      ctx,
      layout: 'shared',
      workload: runnerWorkload({ mode: 'open', ratePerS: rate, arrival: 'poisson' }),
      repeat: 1,
    });
    const q = open.recorder.queries[0]!;
    say('');
    say(`fixed rate ${rate}/s (Poisson), latency from the intended start:`);
    say('| client | p50 ms | p99 ms | count |');
    say('|---|---:|---:|---:|');
    say(
      `| runner (open loop) | ${q.response.percentileMs(50)?.toFixed(2)} | ${q.response.percentileMs(99)?.toFixed(2)} | ${q.ok} |${open.valid ? '' : ` INVALID: ${open.invalidReasons.join('; ')}`}`,
    );
    say(
      `| runner service time | ${q.service.percentileMs(50)?.toFixed(2)} | ${q.service.percentileMs(99)?.toFixed(2)} | ${q.ok} | (late ${q.late}, event-loop lag p99 ${open.lag.p99Ms.toFixed(1)} ms, CPU ${open.clientCpu.percentOfOneCore.toFixed(0)}% of one core)`,
    );
    if (pgbench.path) {
      const env = { ...process.env, PGPASSWORD: ctx.naming.password(role) };
      const logDir = join(tmp, 'log');
      spawnSync('mkdir', ['-p', logDir]);
      const r = spawnSync(
        pgbench.path,
        [
          '-n',
          '-M',
          'prepared',
          '-c',
          String(clients),
          '-j',
          '1',
          '-h',
          target.admin.host,
          '-p',
          String(target.admin.port),
          '-U',
          role,
          ...scripts,
          '-T',
          String(seconds),
          '--rate',
          String(rate),
          '-l',
          '--log-prefix',
          join(logDir, 'pgb'),
          db,
        ],
        { env, encoding: 'utf8', cwd: tmp },
      );
      const h = new LatencyHistogram();
      for (const f of readdirSync(logDir)) {
        for (const line of readFileSync(join(logDir, f), 'utf8').split('\n')) {
          // client_id transaction_no time script_no time_epoch time_us [schedule_lag]: time (µs) includes the lag under --rate
          const us = Number(line.split(' ')[2]);
          if (Number.isFinite(us) && line) h.recordMs(us / 1000);
        }
      }
      if (h.count === 0) say(`pgbench --rate failed: ${r.stderr}`);
      else {
        say(`| pgbench --rate | ${h.percentileMs(50)?.toFixed(2)} | ${h.percentileMs(99)?.toFixed(2)} | ${h.count} |`);
        const p50 = q.response.percentileMs(50);
        if (p50 !== null) say(`runner p50 / pgbench p50 = ${(p50 / h.percentileMs(50)!).toFixed(2)} (target <= 1.15)`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await target.stop();
    await runCleanups();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
