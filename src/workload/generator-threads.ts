import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import createDebug from 'debug';
import type { ResolvedWorkload } from '../config/resolved-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { LayoutContext } from '../layouts/layout.js';
import { registerCleanup } from '../lifecycle.js';
import type { Health } from './drive-context.js';
import { shareOf } from './generator-thread-share.js';
import type { IdBase, ThreadShare } from './generator-thread-share.js';
import type { FromThread, ThreadInit, ThreadResult, ToThread } from './generator-thread-protocol.js';
import { mergeThreads } from './generator-thread-merge.js';
import type { ThreadedDrive } from './generator-thread-merge.js';
import { serveSyncCalls } from './generator-thread-rpc.js';

const debug = createDebug('tenantbench:generator');

/**
 * Generator threads when the scenario leaves it open: one on a machine of 2 cores or fewer, where
 * the server under test shares the cores. Measured there (bench:fidelity --quick, rls, 8
 * connections, 2 cores shared with other work, load average 5): closed loop 3,142 tx/s on one
 * thread, 2,921 on two; open loop at 20% of pgbench's rate P50 1.07 ms on one thread, 2.83 ms on
 * two (the second thread, its wake thread and their yields take CPU the server needs). Else one
 * per two cores, at most 8: the other half is the server's (not measured on such a machine yet).
 */
export function defaultGeneratorThreads(cores = availableParallelism()): number {
  return cores <= 2 ? 1 : Math.min(8, Math.floor(cores / 2));
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
  /** Where each thread publishes its router's queue, one cell per thread (generator-thread-queue.ts). */
  queueCells?: SharedArrayBuffer;
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
        queueCells: o.queueCells ?? null,
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
    return mergeThreads(results, o.workload.mode, o.ctx.plan.tenants, o.health);
  } catch (err) {
    await stopAll('failed');
    throw err;
  } finally {
    unregister();
  }
}
