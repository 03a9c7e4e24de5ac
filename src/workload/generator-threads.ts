import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import createDebug from 'debug';
import type { ResolvedWorkload } from '../config/resolved-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { LayoutContext, RouterStats } from '../layouts/layout.js';
import { registerCleanup } from '../lifecycle.js';
import type { EventLoopLag } from '../measure/event-loop-lag.js';
import { LatencyHistogram } from '../measure/latency-histogram.js';
import type { DriveResult, Health } from './drive-context.js';
import { shareOf } from './generator-thread-share.js';
import type { IdBase, ThreadShare } from './generator-thread-share.js';
import type { FromThread, ThreadInit, ThreadResult, ToThread } from './generator-thread-protocol.js';
import { serveSyncCalls } from './generator-thread-rpc.js';
import { tenantClasses } from './tenant-chooser.js';
import { WorkloadRecorder } from './workload-recorder.js';

const debug = createDebug('tenantbench:generator');

/**
 * Generator threads when the scenario leaves it open: one on a machine of 2 cores or fewer, where
 * the server under test shares the cores and a second generator thread takes CPU from it (measured
 * with bench:fidelity on 2 cores: see generatorThreads in the scenario schema); else one per two
 * cores, at most 8: the other half is the server's.
 */
export function defaultGeneratorThreads(cores = availableParallelism()): number {
  return cores <= 2 ? 1 : Math.min(8, Math.floor(cores / 2));
}

/** One generator thread's own load in the measured window. */
export interface ThreadLoad {
  /** This thread's CPU, % of one core. */
  cpuPercentOfOneCore: number;
  /** The same without its scheduler's deliberate yields, % of one core: > 90 = generator-limited. */
  busyCpuPercentOfOneCore: number;
  /** Open loop: schedule lateness P99 of this thread's requests, ms; null in closed loop. */
  latenessP99Ms: number | null;
}

export interface ThreadedDrive {
  drive: DriveResult;
  /** Every thread's samples in one recorder (exact HDR merge). */
  recorder: WorkloadRecorder;
  /** The worst thread's event-loop lag. */
  lag: EventLoopLag;
  /** The threads' routers added up (peakOpen: the sum of each one's peak, an upper bound). */
  router: RouterStats;
  threads: ThreadLoad[];
}

export interface ThreadedOptions {
  ctx: LayoutContext;
  layout: LayoutName;
  workload: ResolvedWorkload;
  threads: number;
  seed: number;
  /** The next free ids (id-allocator.ts) when the mix writes, else null. */
  ids: IdBase | null;
  /** Connections to open before the warm-up, over all threads. */
  prewarm: number;
  /** The main thread's view of the drive: its abortReason is set when a thread stopped early. */
  health: Health;
  onMeasureStart: () => void;
  onMeasureEnd: () => void;
}

/** How long a thread asked to stop may take to close its connections before it is terminated, ms. */
const STOP_GRACE_MS = 5000;
/** Margin between the "go" message and the shared start, so that every thread gets it in time, ms. */
const START_MARGIN_MS = 20;

/**
 * Drive one segment from `threads` worker threads, each with its own event loop, router and
 * connections (its share of the users), and merge what they recorded exactly. The measured window
 * starts at one absolute time on every thread. The threads are stopped on failure and on Ctrl-C
 * (a lifecycle cleanup): asked first, so they close their connections, terminated after a grace.
 */
export async function driveThreads(o: ThreadedOptions): Promise<ThreadedDrive> {
  const { ctx, workload: w } = o;
  const workers: Worker[] = [];
  const exited: Promise<void>[] = [];
  const stopAll = async (reason: string) => {
    for (const wk of workers) wk.postMessage({ type: 'stop', reason } satisfies ToThread);
    const timeout = new Promise<void>((r) => setTimeout(r, STOP_GRACE_MS).unref());
    await Promise.race([Promise.all(exited), timeout]);
    await Promise.all(workers.map((wk) => wk.terminate().catch(() => {})));
  };
  const unregister = registerCleanup({ name: 'generator threads', cleanup: () => stopAll('interrupted') });
  try {
    const ready: Promise<void>[] = [];
    const done: Promise<ThreadResult>[] = [];
    for (let index = 0; index < o.threads; index++) {
      const share: ThreadShare = { index, count: o.threads };
      const { port1, port2 } = new MessageChannel();
      const rpcFlag = new SharedArrayBuffer(4);
      serveSyncCalls(port1, rpcFlag, {
        config: (database: string, user?: { name: string; password: string }) => ctx.target.config(database, user),
        password: (role: string) => ctx.naming.password(role),
      });
      // A capped layout's connection cap is the segment's: each thread gets its share.
      const lo = ctx.scenario.layoutOptions;
      const scenario = {
        ...ctx.scenario,
        layoutOptions: { ...lo, database: { ...lo.database, maxConnections: Math.max(1, shareOf(lo.database.maxConnections, share)) } },
      };
      const init: ThreadInit = {
        share,
        layout: o.layout,
        scenario,
        workload: w,
        maxConnections: Math.max(1, shareOf(w.users, share)),
        prewarm: shareOf(o.prewarm, share),
        plan: ctx.plan,
        seeded: [...ctx.seeded],
        serverVersionNum: ctx.serverVersionNum,
        target: {
          kind: ctx.target.kind,
          description: ctx.target.description,
          admin: ctx.target.admin,
          appliedSettings: { ...ctx.target.appliedSettings },
        },
        prefix: ctx.naming.prefix,
        seed: o.seed,
        ids: o.ids && { base: o.ids, strided: w.mode === 'closed' },
        rpcPort: port2,
        rpcFlag,
      };
      const wk = new Worker(new URL('./generator-thread-worker.js', import.meta.url), { workerData: init, transferList: [port2] });
      workers.push(wk);
      let finished = false;
      exited.push(new Promise((r) => wk.once('exit', () => r())));
      const failed = new Promise<never>((_, reject) => {
        wk.on('error', (err) => reject(err));
        wk.on('message', (m: FromThread) => {
          if (m.type === 'error') reject(new Error(`generator thread ${index + 1}/${o.threads}: ${m.message}`));
          if (m.type === 'abort') {
            o.health.abortReason ??= m.reason;
            for (const other of workers) if (other !== wk) other.postMessage({ type: 'stop', reason: m.reason } satisfies ToThread);
          }
        });
        wk.once('exit', (code) => finished || reject(new Error(`generator thread ${index + 1}/${o.threads} exited (code ${code})`)));
      });
      failed.catch(() => {});
      ready.push(Promise.race([failed, new Promise<void>((r) => wk.on('message', (m: FromThread) => m.type === 'ready' && r()))]));
      done.push(
        Promise.race([
          failed,
          new Promise<ThreadResult>((r) =>
            wk.on('message', (m: FromThread) => {
              if (m.type !== 'done') return;
              finished = true;
              r(m.result);
            }),
          ),
        ]),
      );
    }
    await Promise.all(ready);
    const startEpochMs = performance.timeOrigin + performance.now() + START_MARGIN_MS;
    for (const wk of workers) wk.postMessage({ type: 'go', startEpochMs } satisfies ToThread);
    const at = (offsetMs: number, f: () => void) =>
      setTimeout(f, Math.max(0, startEpochMs + offsetMs - performance.timeOrigin - performance.now()));
    let started = false;
    let ended = false;
    const startTimer = at(w.warmupSeconds * 1000, () => {
      started = true;
      o.onMeasureStart();
    });
    const endTimer = at((w.warmupSeconds + w.durationSeconds) * 1000, () => {
      ended = true;
      o.onMeasureEnd();
    });
    let results: ThreadResult[];
    try {
      results = await Promise.all(done);
    } finally {
      clearTimeout(startTimer);
      clearTimeout(endTimer);
      if (!started) o.onMeasureStart();
      if (!ended) o.onMeasureEnd();
    }
    await Promise.all(exited);
    debug('%s: %d generator threads done', o.layout, o.threads);
    return merge(results, o);
  } catch (err) {
    await stopAll('failed');
    throw err;
  } finally {
    unregister();
  }
}

function merge(results: ThreadResult[], o: ThreadedOptions): ThreadedDrive {
  const drives = results.map((r) => r.drive);
  const measuredSeconds = Math.min(...drives.map((d) => d.measuredSeconds));
  const sum = (f: (d: DriveResult) => number) => drives.reduce((a, d) => a + f(d), 0);
  const open = o.workload.mode === 'open';
  const drive: DriveResult = {
    mode: o.workload.mode,
    measuredSeconds,
    offeredPerS: open ? sum((d) => (d.offeredPerS ?? 0) * d.measuredSeconds) / measuredSeconds : null,
    dropped: sum((d) => d.dropped),
    unfinished: sum((d) => d.unfinished),
  };
  if (open)
    drive.waitMs = {
      spin: sum((d) => d.waitMs?.spin ?? 0),
      block: sum((d) => d.waitMs?.block ?? 0),
      guard: Math.max(...drives.map((d) => d.waitMs?.guard ?? 0)),
    };
  const mixQueries = results[0]!.recorder.queries.length;
  const recorder = WorkloadRecorder.merge(
    results.map((r) => r.recorder),
    mixQueries,
    tenantClasses(o.ctx.plan.tenants),
  );
  const maxOf = (f: (r: ThreadResult) => number) => Math.max(...results.map(f));
  const router: RouterStats = {
    open: results.reduce((a, r) => a + r.router.open, 0),
    peakOpen: results.reduce((a, r) => a + r.router.peakOpen, 0),
    opened: results.reduce((a, r) => a + r.router.opened, 0),
    closed: results.reduce((a, r) => a + r.router.closed, 0),
    waits: results.reduce((a, r) => a + r.router.waits, 0),
  };
  const threads = results.map((r): ThreadLoad => {
    const s = r.drive.measuredSeconds;
    return {
      cpuPercentOfOneCore: (r.cpuMs / 1000 / s) * 100,
      busyCpuPercentOfOneCore: (Math.max(0, r.cpuMs - (r.drive.waitMs?.spin ?? 0)) / 1000 / s) * 100,
      latenessP99Ms: open ? LatencyHistogram.decode(r.recorder.generatorLateness).percentileMs(99) : null,
    };
  });
  for (const r of results) if (r.abortReason) o.health.abortReason ??= r.abortReason;
  return {
    drive,
    recorder,
    lag: { p50Ms: maxOf((r) => r.lag.p50Ms), p99Ms: maxOf((r) => r.lag.p99Ms), maxMs: maxOf((r) => r.lag.maxMs) },
    router,
    threads,
  };
}
