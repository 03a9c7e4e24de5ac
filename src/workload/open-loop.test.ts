/**
 * The open loop's own precision: each request handed to the router within 100 µs of its intended
 * start (P99), against a router that answers at once (an in-process stand-in for a fast server:
 * what is tested is the generator, not a database). And a generator driven past its capacity is
 * flagged, never reported as valid.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { planDataset } from '../../seed/tenant-plan.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { RouterStats, TenantRouter, TenantSession } from '../layouts/layout.js';
import { CompiledMix } from './compiled-mix.js';
import type { DriveContext } from './drive-context.js';
import { openLoop } from './open-loop.js';
import { makeTenantChooser, tenantClasses } from './tenant-chooser.js';
import { WHOLE_LOAD } from './generator-thread-share.js';
import { WorkloadRecorder } from './workload-recorder.js';
import { generatorLimits } from './generator-limits.js';

const plan = planDataset({ seed: 1, tenants: 20, rows: 20_000, sizes: { kind: 'zipf', s: 1 } });

/** Answers every round trip on the next turn of the event loop, like a server on loopback that is never the bottleneck. */
function instantRouter(workUs = 0): TenantRouter {
  const roundTrip = () =>
    new Promise<never>((resolve) =>
      setImmediate(() => {
        if (workUs > 0) {
          // Client-side work per round trip (result parsing): what a saturated generator spends.
          const until = performance.now() + workUs / 1000;
          while (performance.now() < until);
        }
        resolve({ rows: [], rowCount: 0 } as never);
      }),
    );
  const stats: RouterStats = { open: 1, peakOpen: 1, opened: 1, closed: 0, waits: 0 };
  return {
    async acquire(tenant: TenantPlan): Promise<TenantSession> {
      await roundTrip();
      return { tenant, needsTenantFilter: true, query: roundTrip, release: roundTrip };
    },
    stats: () => stats,
    close: async () => {},
  };
}

function context(router: TenantRouter, durationMs: number): DriveContext {
  const mix = new CompiledMix({ 'recent-orders': 1 }, true);
  return {
    mix,
    chooseTenant: makeTenantChooser({ kind: 'uniform' }, plan.tenants),
    request: { router, prepared: true, explicitTenantFilter: false, tenantColumn: () => true },
    ids: { next: () => 0 },
    recorder: new WorkloadRecorder(mix.queries.length, tenantClasses(plan.tenants)),
    seed: 7,
    share: WHOLE_LOAD,
    warmupMs: 300,
    durationMs,
    intervalMs: 1000,
    health: { lastOkAt: performance.now(), connectionErrors: 0, abortReason: null },
  };
}

/**
 * The machine's own wake-up noise while the loop runs: a worker thread sleeping 2 ms at a time
 * (Atomics.wait) and recording how late it woke. On a quiet machine it is ~0.05-0.1 ms at P99; when
 * other processes load the cores, the OS wakes every thread late and no generator can do better.
 */
function wakeNoise(): { stop(): Promise<number> } {
  const w = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const { performance } = require('node:perf_hooks');
     const cell = new Int32Array(new SharedArrayBuffer(4));
     const over = [];
     let running = true;
     parentPort.on('message', () => { running = false; });
     const loop = () => {
       for (let i = 0; i < 50 && running; i++) {
         const t = performance.now();
         Atomics.wait(cell, 0, 0, 2);
         over.push(performance.now() - t - 2);
       }
       if (running) setImmediate(loop);
       else { over.sort((a, b) => a - b); parentPort.postMessage(over[Math.floor(over.length * 0.99)] ?? 0); }
     };
     loop();`,
    { eval: true },
  );
  return {
    stop: () =>
      new Promise<number>((resolve) => {
        w.once('message', (p: number) => {
          void w.terminate();
          resolve(p);
        });
        w.postMessage('stop');
      }),
  };
}

describe('open loop scheduling', () => {
  it('sends each request within 100 µs of its intended start (P99) at 200/s, without burning a core', async (t) => {
    // Up to three attempts: a shared machine can deschedule the process in one. When the OS itself
    // woke a sleeping thread late meanwhile (P99 >= 100 µs, measured by wakeNoise, not guessed), no
    // scheduler can keep a 100 µs P99: the check is then that the median stays far below a timer's
    // millisecond granularity (setTimeout alone: 0.6 ms late at P50 on a quiet machine), i.e. that
    // the precise path is the one in use. On a quiet machine the P99 bound holds as stated.
    const attempts: string[] = [];
    let bestP50 = Infinity;
    let quietMiss = false;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const ctx = context(instantRouter(), 3000);
      const noise = wakeNoise();
      const cpu0 = process.cpuUsage();
      const r = await openLoop(ctx, { ratePerS: 200, arrival: 'poisson', lateMs: 10, maxBacklog: 1000, blockWhenIdle: true });
      const cpu = process.cpuUsage(cpu0);
      const noiseP99 = await noise.stop();
      const h = ctx.recorder.generatorLateness;
      const p99 = h.percentileMs(99)!;
      const cpuPct = ((cpu.user + cpu.system) / 1e6 / 3.3) * 100;
      assert.ok(h.count > 450 && h.count < 750, `about 600 requests measured (got ${h.count})`);
      assert.equal(ctx.recorder.queries[0]!.lateness.count, h.count, 'per query too');
      const line = `attempt ${attempt}: lateness P50 ${(h.percentileMs(50)! * 1000).toFixed(0)} µs, P99 ${(p99 * 1000).toFixed(0)} µs, max ${(h.maxMs()! * 1000).toFixed(0)} µs; OS wake-up noise P99 ${(noiseP99 * 1000).toFixed(0)} µs; CPU ${cpuPct.toFixed(0)}% of a core (spin ${r.waitMs!.spin.toFixed(0)} ms, block ${r.waitMs!.block.toFixed(0)} ms, guard ${r.waitMs!.guard.toFixed(2)} ms)`;
      t.diagnostic(line);
      attempts.push(line);
      // Not a spinning core: blocking before deadlines while nothing is in flight costs no CPU.
      assert.ok(cpuPct < 60, line);
      if (p99 < 0.1) return;
      if (noiseP99 < 0.1) quietMiss = true;
      bestP50 = Math.min(bestP50, h.percentileMs(50)!);
    }
    assert.ok(!quietMiss, `lateness P99 over 100 µs on a machine whose own wake-up noise was under 100 µs:\n${attempts.join('\n')}`);
    assert.ok(bestP50 < 0.3, `a loaded machine, and even the median lateness is not sub-millisecond:\n${attempts.join('\n')}`);
    t.diagnostic('the machine was loaded (its own wake-up noise P99 >= 100 µs): the P99 bound could not be checked; the P50 was');
  });

  it('flags a generator driven past its capacity instead of reporting its latencies as valid', async () => {
    // 100 µs of client work per round trip (3 per request) caps this generator near 3,000/s; ask for 8,000/s.
    const ctx = context(instantRouter(100), 1000);
    const cpu0 = process.cpuUsage();
    const r = await openLoop(ctx, { ratePerS: 8000, arrival: 'poisson', lateMs: 10, maxBacklog: 1_000_000, blockWhenIdle: true });
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const secs = r.measuredSeconds;
    const why = generatorLimits(
      {
        cpuPercentOfOneCore: (cpuSeconds / secs) * 100,
        busyCpuPercentOfOneCore: ((cpuSeconds - r.waitMs!.spin / 1000) / secs) * 100,
        latenessP99Ms: ctx.recorder.generatorLateness.percentileMs(99),
      },
      10,
    );
    assert.ok(why.length > 0, 'generator-limited');
    assert.match(why.join('; '), /generator-limited/);
  });
});

describe('open loop on generator threads', () => {
  it('threads 1/2 and 2/2 send the interleaved halves of the one-thread request sequence', async () => {
    // Each run records its requests in send order: tenant and parameter values (drawn before the session).
    const run = async (share: { index: number; count: number }, startAt: number) => {
      const seen: string[] = [];
      const inner = instantRouter();
      const router: TenantRouter = {
        ...inner,
        async acquire(tenant) {
          const s = await inner.acquire(tenant);
          return {
            ...s,
            query: (c: unknown) => {
              seen.push(`${tenant.slug} ${JSON.stringify((c as { values: unknown[] }).values)}`);
              return s.query('');
            },
          };
        },
      };
      const ctx = { ...context(router, 500), share, startAt };
      await openLoop(ctx, { ratePerS: 400, arrival: 'poisson', lateMs: 10, maxBacklog: 1000, blockWhenIdle: false });
      return seen;
    };
    const whole = await run({ index: 0, count: 1 }, performance.now());
    const first = await run({ index: 0, count: 2 }, performance.now());
    const second = await run({ index: 1, count: 2 }, performance.now());
    assert.ok(whole.length > 150, `requests sent (${whole.length})`);
    assert.deepEqual(
      first,
      whole.filter((_, i) => i % 2 === 0),
    );
    assert.deepEqual(
      second,
      whole.filter((_, i) => i % 2 === 1),
    );
  });
});
