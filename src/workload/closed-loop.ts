import { performance } from 'node:perf_hooks';
import { hash32, mulberry32 } from '../../seed/prng.js';
import { drain, noteOutcome, sleep } from './drive-context.js';
import type { DriveContext, DriveResult } from './drive-context.js';
import { executeRequest } from './execute-request.js';
import { owns } from './generator-thread-share.js';

export interface ClosedLoopOptions {
  users: number;
  /** Pause between a user's requests, ms (0 = back to back). */
  thinkMs: number;
}

/**
 * Closed loop: `users` virtual users, each sending its next request when the previous one is done
 * (plus think time). Latency is from the request's actual start, so it says how long a request
 * took, not how long a user would have waited at a fixed arrival rate (that is the open loop).
 * Each user draws from its own PRNG stream seeded by (segment seed, user): the same requests in
 * every layout. A generator thread runs its share of the users (user u on thread u mod threads),
 * each with the stream it has on one thread.
 */
export async function closedLoop(ctx: DriveContext, o: ClosedLoopOptions): Promise<DriveResult> {
  const { mix, recorder } = ctx;
  const t0 = ctx.startAt ?? performance.now();
  const measureStart = t0 + ctx.warmupMs;
  const end = measureStart + ctx.durationMs;
  let inFlight = 0;
  let intervalTimer: NodeJS.Timeout | undefined;
  let started = false;
  let ended = false;
  // Start and end each happen exactly once, by their timer or, if a busy loop delayed the timer
  // past the users' last request, right after it: the window's hooks (lag monitor, CPU) never miss.
  const begin = () => {
    if (started) return;
    started = true;
    recorder.begin(measureStart);
    ctx.onMeasureStart?.();
    intervalTimer = setInterval(() => recorder.closeInterval(performance.now()), ctx.intervalMs);
  };
  const finish = () => {
    begin();
    if (ended) return;
    ended = true;
    ctx.onMeasureEnd?.();
  };
  const startTimer = setTimeout(begin, Math.max(0, measureStart - performance.now()));

  const user = async (u: number) => {
    const rnd = mulberry32(hash32(ctx.seed, 1, u));
    for (;;) {
      const start = performance.now();
      if (start >= end || ctx.health.abortReason !== null) return;
      const q = mix.pick(rnd());
      const tenant = ctx.chooseTenant(rnd);
      const values = q.query.params(tenant, rnd, ctx.ids);
      inFlight++;
      const out = await executeRequest(ctx.request, tenant, q, values);
      inFlight--;
      noteOutcome(ctx.health, out.error, out.endAt);
      if (start >= measureStart) {
        if (out.error === null) recorder.ok(q.index, tenant, start, out, false, false);
        else recorder.error(q.index, out.error, false);
      }
      if (o.thinkMs > 0) await sleep(o.thinkMs);
      else if (out.error !== null) await sleep(1); // a failing target answers at once: do not spin the CPU
    }
  };
  const endTimer = setTimeout(finish, Math.max(0, end - performance.now()));
  const mine = Array.from({ length: o.users }, (_, u) => u).filter((u) => owns(ctx.share, u));
  await Promise.all(mine.map(user));
  finish();
  const unfinished = await drain(() => inFlight);
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  if (intervalTimer) clearInterval(intervalTimer);
  recorder.closeInterval(performance.now());
  // Stopped early (target gone): rates are over the time actually measured.
  const measuredSeconds = Math.max(0.001, Math.min(ctx.durationMs, performance.now() - measureStart) / 1000);
  return {
    mode: 'closed',
    measuredSeconds: ctx.health.abortReason ? measuredSeconds : ctx.durationMs / 1000,
    offeredPerS: null,
    dropped: 0,
    unfinished,
  };
}
