/**
 * What resetting a pooled connection on release costs (RESET_ON_RELEASE, src/layouts/common/
 * pool-router.ts): the rls layout's router, one connection, a different tenant on every request,
 * with the reset and without it (the pre-issue-14 router), for an empty request (BEGIN + context,
 * COMMIT) and for a join like the workload's order-report (orders joined to order_items, per status,
 * a named prepared statement, so it also shows the application's prepared statements survive the
 * reset: no re-parse).
 *
 * Usage: USAGE below (`--help` prints it).
 */
import { resolveScenario } from '../src/config/load-scenario.js';
import { PoolRouter } from '../src/layouts/common/pool-router.js';
import { rlsContextSql } from '../src/layouts/common/rls-policy.js';
import type { TenantRouter } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { runCleanups } from '../src/lifecycle.js';
import { prioritizeLoadGenerator } from '../src/measure/scheduler.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { benchArgs, positiveInt, positiveNumber } from './args.js';

const USAGE = `npm run build && node dist/bench/reset-cost.js [--time 3000] [--tenants 8] [--rows 40000]
(--time: milliseconds per setting; the two settings of a request run interleaved for twice that)`;

const values = benchArgs(USAGE, {
  time: { type: 'string', default: '3000', allowed: positiveNumber },
  tenants: { type: 'string', default: '8', allowed: positiveInt },
  rows: { type: 'string', default: '40000', allowed: positiveInt },
});
const say = (l: string) => process.stdout.write(`${l}\n`);

const JOIN =
  'SELECT o.status, count(DISTINCT o.id) AS orders, sum(i.quantity * i.unit_price) AS revenue ' +
  'FROM orders o JOIN order_items i ON i.order_id = o.id AND i.tenant_id = o.tenant_id ' +
  'GROUP BY o.status ORDER BY o.status';

async function main(): Promise<void> {
  const target = await EmbeddedTarget.start({ profile: 'test' });
  const scheduler = prioritizeLoadGenerator();
  if (scheduler.warning) console.warn(`warning: ${scheduler.warning}`);
  const routers: TenantRouter[] = [];
  try {
    const scenario = resolveScenario(
      { name: 'bench-reset', tenants: { count: Number(values.tenants) }, rows: Number(values.rows), layouts: ['rls'] },
      'bench/reset-cost',
    );
    const ctx = makeLayoutContext({ target, scenario, prefix: 'tbr', serverVersionNum: 150000 });
    await layoutOf('rls').seed(ctx);
    const role = ctx.naming.role('rls_app');
    const config = ctx.target.config(ctx.naming.db('rls'), { name: role, password: ctx.naming.password(role) });
    const router = (reset: boolean) => {
      const r = new PoolRouter(config, 1, rlsContextSql, false, reset);
      routers.push(r);
      return r;
    };
    say(`${target.description}; rls, ${values.tenants} tenants, ${values.rows} rows; one connection, a different tenant every request`);
    // Interleaved in short batches (reset off, reset on, off, on, ...): on a shared machine the load
    // drifts, and two back-to-back runs of a few seconds each would measure the drift.
    const time = (r: TenantRouter, join: boolean) => {
      let i = 0;
      return async (n: number, out: number[]) => {
        for (let k = 0; k < n; k++) {
          const t0 = performance.now();
          const s = await r.acquire(ctx.plan.tenants[i++ % ctx.plan.tenants.length]!);
          if (join) await s.query({ name: 'tb_bench_join', text: JOIN });
          await s.release();
          out.push(performance.now() - t0);
        }
      };
    };
    const rows: string[] = [];
    for (const join of [false, true]) {
      const what = join ? 'join like order-report (prepared)' : 'empty request (BEGIN + context, COMMIT)';
      const off = time(router(false), join);
      const on = time(router(true), join);
      const [a, b]: [number[], number[]] = [[], []];
      const batch = join ? 10 : 100;
      await off(batch, []);
      await on(batch, []);
      const until = performance.now() + Number(values.time) * 2;
      while (performance.now() < until) {
        await off(batch, a);
        await on(batch, b);
      }
      const p = (xs: number[], q: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
      rows.push(`| ${what} | COMMIT only (before issue 14) | ${p(a, 0.5).toFixed(3)} | ${p(a, 0.99).toFixed(3)} | ${a.length} |`);
      rows.push(`| ${what} | COMMIT; RESET_ON_RELEASE | ${p(b, 0.5).toFixed(3)} | ${p(b, 0.99).toFixed(3)} | ${b.length} |`);
      rows.push(`| ${what} | difference of the P50s | ${(p(b, 0.5) - p(a, 0.5)).toFixed(3)} | | |`);
    }
    say('');
    say('| request | release | p50 ms | p99 ms | samples |');
    say('|---|---|---:|---:|---:|');
    for (const r of rows) say(r);
    for (const r of routers) say(`router opened ${r.stats().opened} connection(s)`);
  } finally {
    for (const r of routers) await r.close().catch(() => {});
    await target.stop();
    await runCleanups();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
