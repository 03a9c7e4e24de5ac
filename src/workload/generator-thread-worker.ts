/**
 * A generator thread (node:worker_threads): its own event loop, router and connections, its share
 * of the segment's users or arrivals, its own HdrHistograms. Started by generator-threads.ts; it
 * opens its connections, says ready, drives from the shared start it is given, closes its router
 * and hands back its encoded histograms.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { LayoutContext, TenantRouter } from '../layouts/layout.js';
import { makeNaming } from '../layouts/common/naming.js';
import { layout as layoutOf } from '../layouts/registry.js';
import type { Target } from '../target/target.js';
import type { Credentials } from '../db/types.js';
import { errorMessage } from '../errors.js';
import { EventLoopLagMonitor } from '../measure/event-loop-lag.js';
import type { EventLoopLag } from '../measure/event-loop-lag.js';
import { threadCpuMs } from '../measure/thread-cpu.js';
import { buildPools } from '../../seed/pools.js';
import { closedLoop } from './closed-loop.js';
import { CompiledMix } from './compiled-mix.js';
import { customQueriesOf } from './custom-query.js';
import type { DriveContext, Health } from './drive-context.js';
import { watchOutages, workloadDriveFields } from './drive-context.js';
import { stridedIds } from './generator-thread-share.js';
import type { FromThread, ThreadInit, ToThread } from './generator-thread-protocol.js';
import { syncCaller } from './generator-thread-rpc.js';
import { publishQueue } from './generator-thread-queue.js';
import { openLoop } from './open-loop.js';
import { prewarm } from './prewarm.js';
import { tenantClasses } from './tenant-chooser.js';
import { WorkloadRecorder } from './workload-recorder.js';
import type { IdSource } from './workload-query.js';

const init = workerData as ThreadInit;
const port = parentPort!;
const post = (m: FromThread) => port.postMessage(m);

/** The layout context, rebuilt from plain data; what only the main thread knows is asked of it. */
function threadContext(): LayoutContext {
  const call = syncCaller(init.rpcPort, init.rpcFlag);
  const memo = new Map<string, unknown>();
  const ask = <T>(method: string, args: unknown[]): T => {
    const key = JSON.stringify([method, args]);
    if (!memo.has(key)) memo.set(key, call(method, args));
    return memo.get(key) as T;
  };
  const target: Target = {
    ...init.target,
    binaries: null,
    config: (database: string, user?: Credentials) => ask('config', [database, user]),
    stop: async () => {},
  };
  let pools: LayoutContext['pools'] | undefined;
  return {
    target,
    scenario: init.scenario,
    plan: init.plan,
    get pools() {
      pools ??= buildPools(init.plan.seed);
      return pools;
    },
    naming: { ...makeNaming(init.prefix, ''), password: (role: string) => ask<string>('password', [role]) },
    progress: { phase() {}, rows() {} },
    seeded: new Set(init.seeded),
    serverVersionNum: init.serverVersionNum,
  };
}

async function run(): Promise<void> {
  const w = init.workload;
  const ctx = threadContext();
  const impl = layoutOf(init.layout);
  const own = impl.router(ctx, { maxConnections: init.maxConnections });
  const router: TenantRouter = init.queueCells ? publishQueue(own, init.queueCells, init.share.index) : own;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await router.close();
  };
  try {
    const tenants = ctx.plan.tenants;
    await prewarm(router, tenants, init.prewarm);
    const health: Health = { lastOkAt: performance.now(), connectionErrors: 0, abortReason: null };
    port.on('message', (m: ToThread) => {
      if (m.type === 'stop') health.abortReason ??= m.reason;
    });
    const go = new Promise<number>((resolve) => port.on('message', (m: ToThread) => m.type === 'go' && resolve(m.startEpochMs)));
    post({ type: 'ready' });
    const startAt = (await go) - performance.timeOrigin;
    const mix = new CompiledMix(w.mix, w.prepared, customQueriesOf(ctx.scenario));
    const recorder = new WorkloadRecorder(mix.queries.length, tenantClasses(tenants), true);
    const ids: IdSource = init.ids
      ? init.ids.strided
        ? stridedIds(init.ids.base, init.share)
        : stridedIds(init.ids.base, { index: 0, count: 1 })
      : {
          next: () => {
            throw new Error('this mix does not write');
          },
        };
    const lagMonitor = new EventLoopLagMonitor();
    let lag: EventLoopLag = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
    let cpu0 = 0;
    let cpuMs = 0;
    const locate = impl.locate(ctx);
    const dc: DriveContext = {
      health,
      mix,
      ...workloadDriveFields(w, router, locate, tenants),
      ids,
      recorder,
      seed: init.seed,
      share: init.share,
      startAt,
      onMeasureStart: () => {
        lagMonitor.start();
        cpu0 = threadCpuMs();
      },
      onMeasureEnd: () => {
        lag = lagMonitor.stop();
        cpuMs = threadCpuMs() - cpu0;
      },
    };
    const stopWatchdog = watchOutages(health, w.maxOutageSeconds);
    let reported = false;
    const abortWatch = setInterval(() => {
      if (health.abortReason && !reported) {
        reported = true;
        post({ type: 'abort', reason: health.abortReason });
      }
    }, 250);
    try {
      const drive =
        w.mode === 'closed'
          ? await closedLoop(dc, { users: w.users, thinkMs: w.thinkMs })
          : // Nothing else shares this thread's loop: the scheduler may block it before a deadline.
            await openLoop(dc, {
              ratePerS: w.ratePerS,
              arrival: w.arrival,
              lateMs: w.lateMs,
              maxBacklog: w.maxBacklog,
              blockWhenIdle: true,
            });
      const stats = router.stats();
      // Closed before the results go: when the main thread has them, no connection is left.
      await close();
      post({
        type: 'done',
        result: { drive, recorder: recorder.encode(), lag, cpuMs, router: stats, abortReason: health.abortReason },
      });
    } finally {
      stopWatchdog();
      clearInterval(abortWatch);
    }
  } finally {
    await close().catch(() => {});
  }
}

run().then(
  () => port.close(),
  (err: unknown) => {
    post({ type: 'error', message: errorMessage(err) });
    port.close();
  },
);
