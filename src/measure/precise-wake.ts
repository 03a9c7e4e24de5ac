import { performance } from 'node:perf_hooks';
import { WakeThread } from './wake-thread.js';

/**
 * Wakes a callback at a deadline (performance.now() ms) to within tens of microseconds, without
 * burning a core at low rates.
 *
 * `setTimeout` alone has millisecond granularity (libuv timers are whole milliseconds; measured on
 * a 2-core machine: 0.6 ms late at P50, 1.1 ms at P99), so an open loop timed by it sends every
 * request late and counts the lateness as database latency. Here a timer sleeps until `guardMs`
 * before the deadline; the last stretch is covered
 * - by `Atomics.wait` on a private SharedArrayBuffer (a futex sleep with sub-millisecond precision,
 *   no CPU) when the caller says nothing is in flight (`canBlock`): the event loop has no response to
 *   time in the meantime, so blocking it for < guardMs delays nothing measured;
 * - otherwise by a wake thread (WakeThread: Atomics.wait in a worker, then a message that wakes the
 *   main loop's poll like any I/O) until ~0.1 ms before the deadline, responses being processed
 *   meanwhile, then yielding with `setImmediate` for the last stretch. Spinning the whole guard
 *   instead burns CPU at the harness's raised priority that the server on the same cores lacks
 *   (measured: it starved the server into seconds of queueing at 20% of pgbench's rate). Yields
 *   are counted in `spinMs`, so the generator's CPU can be judged without them.
 * `guardMs` tracks the P99.5 of the timer's own overshoot (a stochastic quantile estimate), so a
 * machine whose timers wake late gets a wider guard and one whose timers are punctual spins less.
 */
/** A turn of the event loop shorter than this while yielding ran nothing but the yield itself, ms. */
const SPIN_IDLE_TURN_MS = 0.05;
/** The wake thread's message arrives this long before the deadline (thread hop + main wake-up), ms. */
const THREAD_LEAD_MS = 0.2;
/** Futex sleeps on the main thread end this long before the deadline, the rest busy-waited, ms. */
const BLOCK_LEAD_MS = 0.2;

export class PreciseWake {
  /** How long before the deadline the timer aims, ms. */
  guardMs: number;
  /**
   * Idle time spent yielding (setImmediate) before deadlines, ms: the turns of the event loop that
   * did nothing else (under SPIN_IDLE_TURN_MS). A turn that ran other callbacks (responses, timers)
   * is work, not spin, so a busy generator shows as busy even while it waits for a deadline.
   */
  spinMs = 0;
  /** Wall time spent blocked in Atomics.wait before deadlines, ms. */
  blockMs = 0;
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private deadline = 0;
  private cb: (() => void) | null = null;
  private timerTarget = 0;
  private timerAdapts = false;
  private spinFrom = -1;
  private lastTurn = 0;
  private thread: WakeThread | undefined;

  constructor(
    /** True when blocking the event loop for under guardMs delays nothing (no request in flight). */
    private readonly canBlock: () => boolean = () => false,
    initialGuardMs = 1.5,
    private readonly minGuardMs = 0.2,
    private readonly maxGuardMs = 10,
    /** Wait on a wake thread instead of yielding with setImmediate (false: the spin, for comparison). */
    private readonly useThread = true,
  ) {
    this.guardMs = initialGuardMs;
  }

  /**
   * Call `cb` once at `deadline` (replaces any wake-up still pending); never synchronously, so a
   * caller that is behind its schedule yields to I/O once per call instead of recursing.
   */
  at(deadline: number, cb: () => void): void {
    this.cancel();
    this.deadline = deadline;
    this.cb = cb;
    if (deadline <= performance.now()) this.immediate = setImmediate(this.onImmediate);
    else this.step();
  }

  /** Stop the wake thread (when one was started). */
  async close(): Promise<void> {
    this.cancel();
    await this.thread?.close();
    this.thread = undefined;
  }

  cancel(): void {
    this.thread?.cancel();
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.cb = null;
    this.spinFrom = -1;
  }

  private readonly onTimer = () => {
    this.timer = undefined;
    // Quantile tracking (step 0.05 ms): up by 0.995 step on an overshoot beyond the guard, down by
    // 0.005 step otherwise; it settles where 0.5% of wake-ups overshoot the guard.
    if (this.timerAdapts) {
      const over = performance.now() - this.timerTarget;
      this.guardMs += over > this.guardMs ? 0.04975 : -0.00025;
      this.guardMs = Math.min(this.maxGuardMs, Math.max(this.minGuardMs, this.guardMs));
    }
    this.step();
  };

  private readonly onImmediate = () => {
    this.immediate = undefined;
    this.step();
  };

  private step(): void {
    const now = performance.now();
    const wait = this.deadline - now;
    if (wait <= 0) {
      this.fire(now);
      return;
    }
    if (wait > this.guardMs) {
      this.spinFrom = -1;
      this.timerTarget = this.deadline - this.guardMs;
      // Node runs a timer no sooner than 1 ms: a shorter sleep is not an overshoot to learn from.
      this.timerAdapts = wait - this.guardMs >= 1;
      this.timer = setTimeout(this.onTimer, wait - this.guardMs);
      return;
    }
    if (this.spinFrom < 0 && this.canBlock()) {
      // The futex wakes 50-100 µs late (timer slack, then the scheduler): aim BLOCK_LEAD_MS early,
      // then busy-wait the rest (measured: aiming 60 µs early left the median 60 µs late).
      if (wait > BLOCK_LEAD_MS + 0.02) Atomics.wait(this.cell, 0, 0, wait - BLOCK_LEAD_MS);
      let t = performance.now();
      while (t < this.deadline) t = performance.now();
      this.blockMs += t - now;
      this.fire(t);
      return;
    }
    if (wait > THREAD_LEAD_MS * 1.5 && this.useThread) {
      // Requests in flight: sleep in poll (their responses still wake the loop) and let the wake
      // thread's message end it just before the deadline; only the last THREAD_LEAD_MS is spun.
      this.thread ??= new WakeThread(this.onImmediate);
      this.thread.wakeAt(this.deadline - THREAD_LEAD_MS);
      return;
    }
    if (this.spinFrom < 0) this.spinFrom = now;
    else {
      const turn = now - this.lastTurn;
      if (turn < SPIN_IDLE_TURN_MS) this.spinMs += turn;
    }
    this.lastTurn = now;
    this.immediate = setImmediate(this.onImmediate);
  }

  private fire(now: number): void {
    if (this.spinFrom >= 0) {
      const turn = now - this.lastTurn;
      if (turn < SPIN_IDLE_TURN_MS) this.spinMs += turn;
    }
    this.spinFrom = -1;
    const cb = this.cb;
    this.cb = null;
    cb?.();
  }
}
