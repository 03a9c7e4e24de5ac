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
import type { DriveContext, DriveResult } from './drive-context.js';
import { allocateIds } from './id-allocator.js';
import { openLoop } from './open-loop.js';
import { makeTenantChooser, tenantClasses } from './tenant-chooser.js';
import { tenantColumnOf } from './tenant-column.js';
import { WorkloadRecorder } from './workload-recorder.js';
import type { IdSource } from './workload-query.js';

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
  router: RouterStats;
  mix: CompiledMix;
  recorder: WorkloadRecorder;
}

export interface SegmentOptions {
  ctx: LayoutContext;
  layout: LayoutName;
  workload: ResolvedWorkload;
  repeat: number;
  /** Called once the measured window begins (tests use it to stall or break the server). */
  onMeasureStart?: () => void;
  /** Use this router instead of a fresh one from the layout (tests); it is not closed here. */
  router?: TenantRouter;
}

/**
 * One layout, one repeat: a fresh router (so every layout starts from cold connections and gets
 * the same warm-up), ids for writes, warm-up, then the measured window, with the generator's
 * event-loop lag and CPU watched. A lagging generator marks the segment invalid, with the reason.
 */
export async function measureSegment(o: SegmentOptions): Promise<SegmentResult> {
  const { ctx, workload: w } = o;
  const router = o.router ?? layoutOf(o.layout).router(ctx, { maxConnections: w.users });
  try {
    const mix = new CompiledMix(w.mix, w.prepared);
    const tenants = ctx.plan.tenants;
    const ids: IdSource = mix.writes ? await allocateIds(router, tenants) : { next: () => { throw new Error('this mix does not write'); } };
    const recorder = new WorkloadRecorder(mix.queries.length, tenantClasses(tenants));
    const lagMonitor = new EventLoopLagMonitor();
    let lag: EventLoopLag = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
    let cpu0 = process.cpuUsage();
    let cpu = process.cpuUsage(cpu0);
    const dc: DriveContext = {
      mix,
      chooseTenant: makeTenantChooser(w.tenantChoice, tenants),
      request: { router, prepared: w.prepared, explicitTenantFilter: w.explicitTenantFilter, tenantColumn: tenantColumnOf(o.layout, ctx) },
      ids,
      recorder,
      // The same streams for every layout of a repeat; another repeat draws other requests.
      seed: hash32(ctx.scenario.seed, 0x77, o.repeat),
      warmupMs: w.warmupSeconds * 1000,
      durationMs: w.durationSeconds * 1000,
      intervalMs: w.intervalSeconds * 1000,
      onMeasureStart: () => {
        lagMonitor.start();
        cpu0 = process.cpuUsage();
        o.onMeasureStart?.();
      },
      onMeasureEnd: () => {
        lag = lagMonitor.stop();
        cpu = process.cpuUsage(cpu0);
      },
    };
    debug('%s repeat %d: %s loop, warm-up %d s, measuring %d s', o.layout, o.repeat, w.mode, w.warmupSeconds, w.durationSeconds);
    const drive =
      w.mode === 'closed'
        ? await closedLoop(dc, { users: w.users, thinkMs: w.thinkMs })
        : await openLoop(dc, { ratePerS: w.ratePerS, arrival: w.arrival, lateMs: w.lateMs, maxBacklog: w.maxBacklog });
    const invalidReasons: string[] = [];
    if (lag.p99Ms > w.maxEventLoopLagMs) {
      invalidReasons.push(
        `load generator saturated: event-loop lag p99 ${lag.p99Ms.toFixed(1)} ms > ${w.maxEventLoopLagMs} ms (max ${lag.maxMs.toFixed(1)} ms); its latencies describe the client, not the server`,
      );
    }
    if (drive.unfinished > 0) invalidReasons.push(`${drive.unfinished} requests still running ${30} s after the window ended`);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return {
      layout: o.layout,
      repeat: o.repeat,
      valid: invalidReasons.length === 0,
      invalidReasons,
      drive,
      lag,
      clientCpu: { seconds: cpuSeconds, percentOfOneCore: (cpuSeconds / drive.measuredSeconds) * 100 },
      router: router.stats(),
      mix,
      recorder,
    };
  } finally {
    if (!o.router) await router.close();
  }
}
