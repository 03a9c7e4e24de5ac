import { performance } from 'node:perf_hooks';
import createDebug from 'debug';
import type { ResolvedWorkload } from '../config/load-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { LayoutContext, RouterStats, TenantRouter } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { EventLoopLagMonitor } from '../measure/event-loop-lag.js';
import type { EventLoopLag } from '../measure/event-loop-lag.js';
import { hash32 } from '../../seed/prng.js';
import { closedLoop } from './closed-loop.js';
import { CompiledMix } from './compiled-mix.js';
import type { DriveContext, DriveResult, Health } from './drive-context.js';
import { allocateIds } from './id-allocator.js';
import { openLoop } from './open-loop.js';
import { queryNamed } from './query-registry.js';
import { customQueriesOf } from './custom-query.js';
import { removeWrittenRows } from './remove-written-rows.js';
import { retryOnConnectionLoss } from './cleanup-retry.js';
import { errorMessage } from '../errors.js';
import { noisyTenantOf, startNoisyLoad } from './noisy-neighbour.js';
import { tenantClasses } from './tenant-chooser.js';
import { QueryRecord, WorkloadRecorder } from './workload-recorder.js';
import { startLeakProbes } from './leak-probes-under-load.js';
import type { LeakProbeLoop } from './leak-probes-under-load.js';
import type { LeakProbes } from '../results/workload-schema.js';
import type { IdSource } from './workload-query.js';
import { generatorLimits } from './generator-limits.js';
import { watchOutages, workloadDriveFields } from './drive-context.js';
import { WHOLE_LOAD } from './generator-thread-share.js';
import type { IdBase } from './generator-thread-share.js';
import { driveThreads } from './generator-threads.js';
import { queueCells, queueProbe } from './generator-thread-queue.js';
import type { ThreadLoad } from './generator-thread-merge.js';
import { generatorThreadsFor } from './generator-thread-count.js';
import { prewarm } from './prewarm.js';
import { StatementStats } from '../measure/statement-stats.js';
import type { StatementSnapshot } from '../measure/statement-stats.js';
import { serverTimeOf } from './server-time.js';
import type { ServerTime } from './server-time.js';
import type { GeneratorLoad } from './generator-limits.js';
import { BufferCacheWatch, type SegmentCache } from '../measure/buffer-cache.js';
import { ServerBackendSampler, notSampled } from './server-backend-sampler.js';
import type { ServerBackends } from './server-backend-sampler.js';

const debug = createDebug('tenantbench:workload');

export interface SegmentResult {
  layout: LayoutName;
  repeat: number;
  valid: boolean;
  invalidReasons: string[];
  drive: DriveResult;
  lag: EventLoopLag;
  /** CPU the harness process used during the measured window: seconds and % of one core. */
  clientCpu: { seconds: number; percentOfOneCore: number };
  /**
   * The generator's own load in the window and whether it limited the window (then invalid); with
   * several generator threads, busyCpuPercentOfOneCore is the busiest thread's and perThread each one's.
   */
  generator: GeneratorLoad & { limited: boolean; threads: number; perThread: ThreadLoad[] | null };
  router: RouterStats;
  mix: CompiledMix;
  recorder: WorkloadRecorder;
  /** Stopped early because the target was unreachable for maxOutageSeconds: the figures are partial. */
  incomplete: boolean;
  /** The noisy neighbour's own requests when it ran in this segment, else null. */
  noisy: { tenant: string; ok: number; errors: number; perS: number } | null;
  /** The leak probes run during the measured window (workload.leakProbes), else null. */
  leakProbes: LeakProbes | null;
  /** Server execution time in the window (pg_stat_statements), per mix query; null when not taken. */
  serverTime: ServerTime | null;
  /** Buffer hit ratio of the layout's databases in the warm-up and the window, and the prewarm (measure/buffer-cache.ts). */
  bufferCache: SegmentCache | null;
}

export interface SegmentOptions {
  ctx: LayoutContext;
  layout: LayoutName;
  workload: ResolvedWorkload;
  repeat: number;
  /**
   * Called once the measured window begins (tests use it to stall or break the server; the
   * migrate stage starts a migration from it and taps the recorder).
   */
  onMeasureStart?: (recorder: WorkloadRecorder) => void;
  /** Use this router instead of a fresh one from the layout (tests); it is not closed here. */
  router?: TenantRouter;
  /** Run the scenario's noisy neighbour during this segment. */
  noisy?: boolean;
  /**
   * Server connections behind the router when a pooler has fewer than the router opens (its pool
   * size): the prewarm holds no more sessions than that, else it waits for the pooler's timeout.
   */
  serverConnections?: number;
  /**
   * The router reaches the server through this pooler (its description): the server backends are
   * the pooler's, so their states are recorded but not judged (generator-limits.ts).
   */
  pooler?: string;
  /** No pg_prewarm before this segment (a warm-up window after the first: warm-segment.ts). */
  skipPrewarm?: boolean;
}

/**
 * One layout, one repeat: a fresh router (so every layout starts from cold connections and gets
 * the same warm-up), ids for writes, warm-up, then the measured window, with the generator's
 * event-loop lag and CPU watched. A lagging generator marks the segment invalid, with the reason.
 */
export async function measureSegment(o: SegmentOptions): Promise<SegmentResult> {
  const { ctx, workload: w } = o;
  const noisyTenant = noisyTenantOf(w, ctx.plan.tenants);
  // The noisy tenant's own connections come on top of the measured users'.
  const connections = w.users + (noisyTenant ? w.noisyNeighbour!.users : 0);
  const threads = generatorThreadsFor(o);
  let router = o.router ?? layoutOf(o.layout).router(ctx, { maxConnections: connections });
  let stmtStats: StatementStats | string = 'not measured: not reached';
  let cache: BufferCacheWatch | null = null;
  let backends: ServerBackendSampler | string = 'not measured: not reached';
  try {
    const custom = customQueriesOf(ctx.scenario);
    const mix = new CompiledMix(w.mix, w.prepared, custom);
    // With a noisy neighbour configured, the measured traffic never includes it (quiet or noisy),
    // so the two are comparable.
    const tenants = noisyTenant ? ctx.plan.tenants.filter((t) => t !== noisyTenant) : ctx.plan.tenants;
    const writes = mix.writes || (o.noisy === true && queryNamed(w.noisyNeighbour?.query ?? '', custom)?.writes === true);
    // Idempotent cleanups: a backend killed or a short outage between segments costs a retry, not the run.
    const cleanup = () =>
      retryOnConnectionLoss(
        `${o.layout}: remove written rows`,
        () => removeWrittenRows(router, ctx.plan.tenants),
        w.maxOutageSeconds * 1000,
      );
    if (writes) await cleanup();
    const ids: IdSource = writes
      ? await retryOnConnectionLoss(`${o.layout}: allocate ids`, () => allocateIds(router, ctx.plan.tenants), w.maxOutageSeconds * 1000)
      : {
          next: () => {
            throw new Error('this mix does not write');
          },
        };
    let idBase: IdBase | null = null;
    if (threads > 1) {
      // The threads open their own connections: this router's (cleanup, ids) are closed meanwhile;
      // a fresh one, opened only if used, removes the written rows afterwards.
      if (writes) idBase = { orders: ids.next('orders') - 1, order_items: ids.next('order_items') - 1 };
      await router.close();
      router = layoutOf(o.layout).router(ctx, { maxConnections: connections });
    }
    let recorder = new WorkloadRecorder(mix.queries.length, tenantClasses(ctx.plan.tenants));
    const lagMonitor = new EventLoopLagMonitor();
    let lag: EventLoopLag = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
    let cpu0 = process.cpuUsage();
    let cpu = process.cpuUsage(cpu0);
    // Leak probes: only inside the measured window, through this very router.
    let probeLoop: LeakProbeLoop | null = null;
    let probeTally: Promise<LeakProbes> | null = null;
    // Open the pool's connections before the warm-up (a running service's pool is already full):
    // connection set-up (tens of ms) must not land in the measured window of a short warm-up.
    // Never more than the per-database cap at once: holding sessions beyond it would wait forever.
    const impl = layoutOf(o.layout);
    const perDatabaseCap = impl.connectionCap(ctx.scenario) ?? Infinity;
    // Inserts fill tenant_id where the tenant's tables are pooled.
    const locate = impl.locate(ctx);
    // The buffer cache first: its admin connections to the layout's databases are closed before the
    // router opens its own, so they never count against the layout's connection cap.
    cache = await BufferCacheWatch.start(ctx.target, impl.databases(ctx), { prewarm: !o.skipPrewarm });
    if (threads === 1) await prewarm(router, tenants, Math.min(w.users, perDatabaseCap, o.serverConnections ?? Infinity));
    stmtStats = await StatementStats.open(ctx.target, ctx.serverVersionNum);
    // The router's queue is read with each sample: this router's on one thread; on several, the sum
    // of the queues the threads publish (each thread has a router of its own, one pool per thread).
    const cells = threads > 1 && router.waiting ? queueCells(threads) : undefined;
    const waiting = cells ? queueProbe(cells) : router.waiting ? () => router.waiting?.() ?? 0 : undefined;
    backends = await ServerBackendSampler.open(ctx.target, impl.databases(ctx), waiting);
    let snapStart: Promise<StatementSnapshot | null> = Promise.resolve(null);
    const health: Health = { lastOkAt: performance.now(), connectionErrors: 0, abortReason: null };
    // Each generator thread watches its own requests; one thread watches here.
    const stopWatchdog = threads === 1 ? watchOutages(health, w.maxOutageSeconds) : () => {};
    // What the main thread takes at the window's edges, however many generator threads drive it.
    const windowStart = () => {
      cache?.mark();
      if (typeof backends !== 'string') backends.begin();
      cpu0 = process.cpuUsage();
      const stats = stmtStats;
      if (typeof stats !== 'string') snapStart = stats.snapshot().catch(() => null);
    };
    const windowEnd = () => {
      cache?.mark();
      if (typeof backends !== 'string') backends.end();
      cpu = process.cpuUsage(cpu0);
    };
    const dc: DriveContext = {
      health,
      mix,
      ...workloadDriveFields(w, router, locate, tenants),
      ids,
      recorder,
      // The same streams for every layout of a repeat; another repeat draws other requests.
      seed: hash32(ctx.scenario.seed, 0x77, o.repeat),
      share: WHOLE_LOAD,
      onMeasureStart: () => {
        lagMonitor.start();
        windowStart();
        if (w.leakProbes.enabled) {
          probeLoop = startLeakProbes({
            ctx,
            layout: o.layout,
            router,
            everyMs: w.leakProbes.everyMs,
            seed: hash32(ctx.scenario.seed, 0x1e, o.repeat),
            tenants,
          });
        }
        o.onMeasureStart?.(recorder);
      },
      onMeasureEnd: () => {
        lag = lagMonitor.stop();
        windowEnd();
        probeTally ??= (probeLoop as LeakProbeLoop | null)?.stop() ?? null;
      },
    };
    debug(
      '%s repeat %d: %s loop, warm-up %d s, measuring %d s%s',
      o.layout,
      o.repeat,
      w.mode,
      w.warmupSeconds,
      w.durationSeconds,
      o.noisy ? ', noisy neighbour' : '',
    );
    const noisyLoad =
      o.noisy && noisyTenant
        ? startNoisyLoad(dc.request, ids, noisyTenant, w.noisyNeighbour!.query, w.noisyNeighbour!.users, dc.seed, custom)
        : null;
    let drive: DriveResult;
    let routerStats: RouterStats | null = null;
    let perThread: ThreadLoad[] | null = null;
    let noisy: SegmentResult['noisy'] = null;
    let leakProbes: LeakProbes | null = null;
    try {
      if (threads > 1) {
        const t = await driveThreads({
          ctx,
          layout: o.layout,
          workload: w,
          threads,
          seed: dc.seed,
          ids: idBase,
          prewarm: Math.min(w.users, perDatabaseCap),
          health,
          onMeasureStart: windowStart,
          onMeasureEnd: windowEnd,
          queueCells: cells,
        });
        ({ drive, recorder, lag, router: routerStats, threads: perThread } = t);
      } else
        drive =
          w.mode === 'closed'
            ? await closedLoop(dc, { users: w.users, thinkMs: w.thinkMs })
            : await openLoop(dc, {
                ratePerS: w.ratePerS,
                arrival: w.arrival,
                lateMs: w.lateMs,
                maxBacklog: w.maxBacklog,
                // Blocking the loop before a deadline would delay anything else sharing it.
                blockWhenIdle: !noisyLoad && !w.leakProbes.enabled && !o.onMeasureStart,
              });
    } finally {
      stopWatchdog();
      probeTally ??= (probeLoop as LeakProbeLoop | null)?.stop() ?? null;
      const tallied = await (probeTally as Promise<LeakProbes> | null);
      leakProbes = tallied ?? (w.leakProbes.enabled ? { probes: 0, leaked: 0, findings: 0, rowsOfOtherTenants: 0, firstLeak: null } : null);
      const n = await noisyLoad?.stop();
      if (n && noisyTenant) noisy = { tenant: noisyTenant.slug, ...n, perS: n.ok / (w.warmupSeconds + w.durationSeconds) };
    }
    const serverTime = await serverTimeOf(stmtStats, await snapStart, mix);
    const bufferCache = (await cache?.finish()) ?? null;
    const serverBackends: ServerBackends = typeof backends === 'string' ? notSampled(backends) : await backends.finish();
    const invalidReasons: string[] = [];
    if (writes && !health.abortReason) {
      // What was measured is kept whatever happens here; rows left behind are removed before the next segment.
      try {
        debug('%s: removed %d written rows', o.layout, await cleanup());
      } catch (err) {
        invalidReasons.push(
          `the rows written in the window could not be removed afterwards (${errorMessage(err)}); they are left behind until the next segment's cleanup`,
        );
      }
    }
    if (lag.p99Ms > w.maxEventLoopLagMs) {
      invalidReasons.push(
        `load generator saturated: event-loop lag p99 ${lag.p99Ms.toFixed(1)} ms > ${w.maxEventLoopLagMs} ms (max ${lag.maxMs.toFixed(1)} ms); its latencies describe the client, not the server`,
      );
    }
    if (health.abortReason) invalidReasons.push(health.abortReason);
    if (drive.unfinished > 0) invalidReasons.push(`${drive.unfinished} requests still running ${30} s after the window ended`);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const phases = new QueryRecord();
    for (const q of recorder.queries) phases.add(q);
    const execMs =
      serverTime && serverTime.reason === null
        ? serverTime.perQuery.reduce((a, t) => a + t.totalExecMs, serverTime.other.totalExecMs)
        : null;
    const acquireMean = phases.acquire.meanMs();
    const commitMean = phases.commit.meanMs();
    routerStats ??= router.stats();
    const gen: GeneratorLoad = {
      cpuPercentOfOneCore: (cpuSeconds / drive.measuredSeconds) * 100,
      // Several threads: the busiest one's (each thread is one event loop that can saturate alone).
      busyCpuPercentOfOneCore: perThread
        ? Math.max(...perThread.map((t) => t.busyCpuPercentOfOneCore))
        : (Math.max(0, cpuSeconds - (drive.waitMs?.spin ?? 0) / 1000) / drive.measuredSeconds) * 100,
      latenessP99Ms: w.mode === 'open' ? recorder.generatorLateness.percentileMs(99) : null,
      queueWaitMs: acquireMean !== null && commitMean !== null ? Math.max(0, acquireMean - commitMean) : null,
      serverBusyShare:
        execMs === null
          ? null
          : execMs / (drive.measuredSeconds * 1000 * Math.max(1, Math.min(connections, routerStats.peakOpen || connections))),
      routerQueue: {
        requests: phases.acquisition.requests,
        waitedForHeld: phases.acquisition.waitedThenReused,
        waitedForHeldMs: phases.acquisition.waitedForHeldMs,
      },
      serverBackends: {
        ...serverBackends,
        notJudged: o.pooler
          ? `not judged: the router reaches the server through ${o.pooler}, whose server connections are shared by its clients (their states say what the pooler does, not whether the router's connections waited on the generator)`
          : null,
      },
    };
    // Lateness gets the tolerance the event-loop lag gate has (both are the generator's own delay);
    // the report shows the lateness apart either way.
    const limits = health.abortReason ? [] : generatorLimits(gen, w.maxEventLoopLagMs);
    invalidReasons.push(...limits);
    return {
      layout: o.layout,
      repeat: o.repeat,
      valid: invalidReasons.length === 0,
      invalidReasons,
      drive,
      lag,
      clientCpu: { seconds: cpuSeconds, percentOfOneCore: (cpuSeconds / drive.measuredSeconds) * 100 },
      generator: { ...gen, limited: limits.length > 0, threads, perThread },
      router: routerStats,
      mix,
      recorder,
      noisy,
      leakProbes,
      incomplete: health.abortReason !== null,
      serverTime,
      bufferCache,
    };
  } finally {
    await cache?.close();
    if (typeof backends !== 'string') await backends.close();
    if (typeof stmtStats !== 'string') await stmtStats.close();
    if (!o.router) await router.close();
  }
}
