import type { RouterStats } from '../layouts/layout.js';
import { sumRouterStats } from '../layouts/common/router-stats.js';
import type { EventLoopLag } from '../measure/event-loop-lag.js';
import { LatencyHistogram } from '../measure/latency-histogram.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { DriveResult, Health } from './drive-context.js';
import type { ThreadResult } from './generator-thread-protocol.js';
import { tenantClasses } from './tenant-chooser.js';
import { WorkloadRecorder } from './workload-recorder.js';

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

/**
 * One drive from the threads' ones: counts summed, every histogram added (exact), the intervals
 * merged by index, the worst thread's lag, each thread's own CPU and lateness.
 */
export function mergeThreads(
  results: readonly ThreadResult[],
  mode: 'closed' | 'open',
  tenants: readonly TenantPlan[],
  health: Health,
): ThreadedDrive {
  const drives = results.map((r) => r.drive);
  const measuredSeconds = Math.min(...drives.map((d) => d.measuredSeconds));
  const sum = (f: (d: DriveResult) => number) => drives.reduce((a, d) => a + f(d), 0);
  const open = mode === 'open';
  const drive: DriveResult = {
    mode,
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
    tenantClasses(tenants),
  );
  const maxOf = (f: (r: ThreadResult) => number) => Math.max(...results.map(f));
  const router: RouterStats = sumRouterStats(results.map((r) => r.router));
  const threads = results.map((r): ThreadLoad => {
    const s = r.drive.measuredSeconds;
    return {
      cpuPercentOfOneCore: (r.cpuMs / 1000 / s) * 100,
      busyCpuPercentOfOneCore: (Math.max(0, r.cpuMs - (r.drive.waitMs?.spin ?? 0)) / 1000 / s) * 100,
      latenessP99Ms: open ? LatencyHistogram.decode(r.recorder.generatorLateness).percentileMs(99) : null,
    };
  });
  for (const r of results) if (r.abortReason) health.abortReason ??= r.abortReason;
  return {
    drive,
    recorder,
    lag: { p50Ms: maxOf((r) => r.lag.p50Ms), p99Ms: maxOf((r) => r.lag.p99Ms), maxMs: maxOf((r) => r.lag.maxMs) },
    router,
    threads,
  };
}
