import { performance } from 'node:perf_hooks';
import { hash32, mulberry32 } from '../../seed/prng.js';
import { drain, noteOutcome } from './drive-context.js';
import type { DriveContext, DriveResult } from './drive-context.js';
import { executeRequest } from './execute-request.js';
import { PreciseWake } from '../measure/precise-wake.js';
import { owns } from './generator-thread-share.js';

export interface OpenLoopOptions {
  ratePerS: number;
  arrival: 'fixed' | 'poisson';
  /** A request that gets its session more than this after its intended start is late, ms. */
  lateMs: number;
  /** Requests in flight (queued for a connection or running) beyond which new ones are dropped. */
  maxBacklog: number;
  /**
   * May the scheduler block the event loop (Atomics.wait, < 2 ms) before a deadline when no request
   * of this loop is in flight? Only when nothing else shares the loop (a noisy neighbour, leak
   * probes, a migration under load would be delayed); otherwise it yields with setImmediate.
   */
  blockWhenIdle: boolean;
}

/**
 * Open loop: requests arrive on a schedule (fixed intervals, or exponential ones: a Poisson
 * process) whatever the target does, and each one's response time runs from its *intended* start,
 * as wrk2 and `pgbench --rate` do. A stalled server therefore shows in the percentiles as the wait
 * every scheduled request suffered, not as one slow sample (coordinated omission). If the
 * generator's timer fires late, the requests due are sent at once, still timed from their intended
 * starts. Service time (session in hand to COMMIT done) is kept apart.
 *
 * Each request is sent at its intended start to within tens of microseconds (PreciseWake: a timer
 * until shortly before, then a futex sleep when nothing is in flight, else setImmediate yields), and
 * how late it was sent (the generator's own delay, not the database's) is recorded per request.
 * A generator thread follows the whole schedule and sends its share of it (arrival i on thread
 * i mod threads), timed like any other.
 */
export async function openLoop(ctx: DriveContext, o: OpenLoopOptions): Promise<DriveResult> {
  const { mix, recorder } = ctx;
  const intervalMs = 1000 / o.ratePerS;
  const arrivals = mulberry32(hash32(ctx.seed, 2));
  const rnd = mulberry32(hash32(ctx.seed, 3));
  const t0 = ctx.startAt ?? performance.now();
  const measureStart = t0 + ctx.warmupMs;
  const end = measureStart + ctx.durationMs;
  let inFlight = 0;
  let offered = 0;
  let dropped = 0;
  /**
   * The next arrival as an offset from t0: the schedule, and which arrivals fall in the warm-up or
   * the window, are then the same floating-point sums whatever t0 is (threads share one t0, one
   * thread takes its own), so every thread count sends exactly the same arrivals.
   */
  let nextOff = 0;
  const endOff = ctx.warmupMs + ctx.durationMs;
  /** Index of the next arrival in the schedule: the thread whose share it is sends it. */
  let arrival = 0;
  let measuring = false;
  let intervalTimer: NodeJS.Timeout | undefined;
  let stoppedAt = end;
  const wake = new PreciseWake(() => o.blockWhenIdle && inFlight === 0);
  let spinAtStart = 0;
  let blockAtStart = 0;

  const send = async (intended: number, i: number, measured: boolean) => {
    // Every thread draws every arrival's query, tenant and parameters (a few random numbers), so
    // the streams, and the ids of writes, stay those of one thread; it sends only its share.
    const q = mix.pick(rnd());
    const tenant = ctx.chooseTenant(rnd);
    const values = q.query.params(tenant, rnd, ctx.ids);
    if (!owns(ctx.share, i)) return;
    if (measured) offered++;
    if (inFlight >= o.maxBacklog) {
      if (measured) dropped++;
      return;
    }
    inFlight++;
    const out = await executeRequest(ctx.request, tenant, q, values);
    inFlight--;
    noteOutcome(ctx.health, out.error, out.endAt);
    if (!measured) return;
    const late = (out.acquiredAt ?? out.endAt) - intended > o.lateMs;
    if (out.error === null) recorder.ok(q.index, tenant, intended, out, late, true);
    else recorder.error(q.index, out.error, late, out.startAt - intended);
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (!measuring && now >= measureStart) {
        measuring = true;
        recorder.begin(measureStart);
        ctx.onMeasureStart?.();
        spinAtStart = wake.spinMs;
        blockAtStart = wake.blockMs;
        intervalTimer = setInterval(() => recorder.closeInterval(performance.now()), ctx.intervalMs);
      }
      while (t0 + nextOff <= now && nextOff < endOff) {
        void send(t0 + nextOff, arrival++, nextOff >= ctx.warmupMs);
        nextOff += o.arrival === 'fixed' ? intervalMs : -Math.log(1 - arrivals()) * intervalMs;
      }
      if (now >= end || ctx.health.abortReason !== null) {
        stoppedAt = Math.min(now, end);
        if (!measuring) {
          measuring = true;
          recorder.begin(measureStart);
          ctx.onMeasureStart?.();
        }
        ctx.onMeasureEnd?.();
        wake.cancel();
        resolve();
        return;
      }
      // Wake at the next arrival (or the window start/end); requests already due were sent above.
      wake.at(Math.min(t0 + nextOff, measuring ? end : measureStart, end), tick);
    };
    tick();
  });
  await wake.close();
  const unfinished = await drain(() => inFlight);
  if (intervalTimer) clearInterval(intervalTimer);
  recorder.closeInterval(performance.now());
  const measuredSeconds = ctx.health.abortReason
    ? Math.max(0.001, Math.min(ctx.durationMs, stoppedAt - measureStart) / 1000)
    : ctx.durationMs / 1000;
  return {
    mode: 'open',
    measuredSeconds,
    offeredPerS: offered / measuredSeconds,
    dropped,
    unfinished,
    waitMs: { spin: wake.spinMs - spinAtStart, block: wake.blockMs - blockAtStart, guard: wake.guardMs },
  };
}
