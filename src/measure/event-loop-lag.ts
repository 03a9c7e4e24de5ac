import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';

export interface EventLoopLag {
  /** Percentiles of the event-loop delay while measuring, ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Watches the load generator's own event loop. If the loop is late (it is saturated, or blocked by
 * a long GC), requests are sent late and timestamps are taken late: the latencies it measured
 * describe the client, not the server, and must not be published as valid.
 */
export class EventLoopLagMonitor {
  private readonly h: IntervalHistogram;

  constructor(private readonly resolutionMs = 10) {
    this.h = monitorEventLoopDelay({ resolution: resolutionMs });
  }

  start(): void {
    this.h.reset();
    this.h.enable();
  }

  /** Stop and return the lag seen since start (nanoseconds from the monitor, reported in ms). */
  stop(): EventLoopLag {
    this.h.disable();
    // Each sample is the time between two ticks of a `resolutionMs` timer: lag is what exceeds it.
    const floor = this.resolutionMs * 1e6;
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.max(0, (ns - floor) / 1e6) : 0);
    return { p50Ms: ms(this.h.percentile(50)), p99Ms: ms(this.h.percentile(99)), maxMs: ms(this.h.max) };
  }
}
