/**
 * Tenant-context cost with tinybench: what switching to another tenant costs per request in each
 * layout, measured as acquire (BEGIN + context in one round trip, or a connection checkout) +
 * COMMIT through the layout's own router, a different tenant every call, on tiny data:
 *
 * - shared: BEGIN only (no context: the application filters) — the baseline round trip
 * - rls: BEGIN; set_config('app.tenant_id', ..., true)
 * - schema: BEGIN; SET LOCAL search_path (set_config(..., true))
 * - schema, login role per tenant (layoutOptions.schema.rolePerTenant): the tenant's own connection
 *   (its login role owns only its schema), checked out from the router with room for every tenant
 * - database: checkout from the per-database connections under the cap (enough room: no eviction)
 * - database, cap 1: every switch closes a connection and opens one (eviction)
 * - new connection: pg.Client connect + BEGIN + COMMIT + end, no pool at all
 *
 * Usage: USAGE below (`--help` prints it).
 */
import { Bench } from 'tinybench';
import { resolveScenario } from '../src/config/load-scenario.js';
import { connect } from '../src/db/client.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import type { LayoutContext, TenantRouter } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { runCleanups } from '../src/lifecycle.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { prioritizeLoadGenerator } from '../src/measure/scheduler.js';
import { benchArgs, positiveInt, positiveNumber, settingsProfile } from './args.js';

const USAGE = 'npm run bench:context -- [--time 2000] [--tenants 8] [--profile test|benchmark]';

const values = benchArgs(USAGE, {
  time: { type: 'string', default: '2000', allowed: positiveNumber },
  tenants: { type: 'string', default: '8', allowed: positiveInt },
  profile: { type: 'string', default: 'test', allowed: settingsProfile },
});
const tenants = Number(values.tenants);
const say = (l: string) => process.stdout.write(`${l}\n`);

async function main(): Promise<void> {
  const target = await EmbeddedTarget.start({ profile: values.profile as 'benchmark' | 'test' });
  // The client must not be starved by the server's backend sessions (see src/measure/scheduler.ts).
  const scheduler = prioritizeLoadGenerator();
  if (scheduler.warning) console.warn(`warning: ${scheduler.warning}`);
  const routers: TenantRouter[] = [];
  try {
    const scenario = (rolePerTenant: boolean, maxConnections = tenants + 2) =>
      resolveScenario(
        {
          name: 'bench-context',
          tenants: { count: tenants },
          rows: tenants * 200,
          layoutOptions: { schema: { rolePerTenant }, database: { maxConnections } },
        },
        'bench/tenant-context-cost',
      );
    const ctx = makeLayoutContext({ target, scenario: scenario(false), prefix: 'tbc', serverVersionNum: 150000 });
    const ctxRole = makeLayoutContext({ target, scenario: scenario(true), prefix: 'tbcr', serverVersionNum: 150000 });
    for (const name of ['shared', 'rls', 'schema', 'database'] as LayoutName[]) {
      await layoutOf(name).seed(ctx);
      (ctx.seeded as Set<LayoutName>).add(name);
    }
    await layoutOf('schema').seed(ctxRole);
    say(`${target.description}; ${tenants} tenants; tinybench, ${values.time} ms per task, a different tenant on every call`);

    const bench = new Bench({ time: Number(values.time), warmupTime: 300 });
    const switching = (c: LayoutContext, router: TenantRouter) => {
      routers.push(router);
      let i = 0;
      return async () => {
        const s = await router.acquire(c.plan.tenants[i++ % c.plan.tenants.length]!);
        await s.release();
      };
    };
    bench.add('shared: BEGIN (no context)', switching(ctx, layoutOf('shared').router(ctx, { maxConnections: 1 })));
    bench.add('rls: BEGIN; set_config(app.tenant_id)', switching(ctx, layoutOf('rls').router(ctx, { maxConnections: 1 })));
    bench.add('schema: BEGIN; SET LOCAL search_path', switching(ctx, layoutOf('schema').router(ctx, { maxConnections: 1 })));
    bench.add(
      'schema, login role per tenant: checkout of its connection',
      switching(ctxRole, layoutOf('schema').router(ctxRole, { maxConnections: tenants + 2 })),
    );
    bench.add('database: checkout per-database connection', switching(ctx, layoutOf('database').router(ctx)));
    // Cap 1: every switch evicts the previous tenant's connection and opens the next one.
    const capped = makeLayoutContext({ target, scenario: scenario(false, 1), prefix: 'tbc', serverVersionNum: 150000 });
    bench.add('database, cap 1: close + open a connection', switching(capped, layoutOf('database').router(capped)));
    let j = 0;
    bench.add('new pg.Client per request (no pool)', async () => {
      const t = ctx.plan.tenants[j++ % ctx.plan.tenants.length]!;
      const role = ctx.naming.role('rls_app');
      // A bare connect, as an application without a pool does: no session settings round trip.
      const c = await connect(target.config(ctx.naming.db('rls'), { name: role, password: ctx.naming.password(role) }), {
        sessionSettings: false,
      });
      await c.query(`BEGIN; SELECT set_config('app.tenant_id', '${t.id}', true)`);
      await c.query('COMMIT');
      await c.end();
    });
    await bench.run();
    say('');
    say('| context switch | mean ms | p50 ms | p99 ms | per s | samples |');
    say('|---|---:|---:|---:|---:|---:|');
    for (const task of bench.tasks) {
      const r = task.result as {
        latency?: { mean: number; p50: number; p99: number; samplesCount?: number };
        throughput?: { mean: number };
      };
      if (!r.latency) {
        say(`| ${task.name} | failed | | | | |`);
        continue;
      }
      say(
        `| ${task.name} | ${r.latency.mean.toFixed(3)} | ${r.latency.p50.toFixed(3)} | ${r.latency.p99.toFixed(3)} | ${(1000 / r.latency.mean).toFixed(0)} | ${r.latency.samplesCount ?? ''} |`,
      );
    }
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
