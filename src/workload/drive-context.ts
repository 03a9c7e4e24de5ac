import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { CompiledMix } from './compiled-mix.js';
import type { RequestOptions } from './execute-request.js';
import type { WorkloadRecorder } from './workload-recorder.js';
import type { IdSource, Rnd } from './workload-query.js';

/** Everything a driver needs for one measured segment (one layout, one repeat). */
export interface DriveContext {
  readonly mix: CompiledMix;
  readonly chooseTenant: (rnd: Rnd) => TenantPlan;
  readonly request: RequestOptions;
  readonly ids: IdSource;
  readonly recorder: WorkloadRecorder;
  /** Seed of this segment's PRNG streams: the same for every layout of a repeat. */
  readonly seed: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly intervalMs: number;
  /** Called when the measured window begins (start the lag monitor, CPU clock...). */
  readonly onMeasureStart?: () => void;
  /** Called when the measured window ends (before waiting for requests still in flight). */
  readonly onMeasureEnd?: () => void;
  /** Updated by the driver after every request (warm-up included): what the outage watchdog reads. */
  readonly health: Health;
}

export interface Health {
  /** performance.now() of the last successful request (the segment start before any). */
  lastOkAt: number;
  /** Requests that failed because the connection broke or could not be made. */
  connectionErrors: number;
  /** Set by the watchdog: the drivers stop sending and end the segment early. */
  abortReason: string | null;
}

export function noteOutcome(h: Health, error: string | null, endAt: number): void {
  if (error === null) h.lastOkAt = endAt;
  else if (error === 'connection' || error.startsWith('08') || error.startsWith('57P')) h.connectionErrors++;
}

export interface DriveResult {
  mode: 'closed' | 'open';
  /** Measured window, seconds. */
  measuredSeconds: number;
  /** Open loop: requests scheduled in the measured window per second; null in closed loop. */
  offeredPerS: number | null;
  /** Open loop: requests not sent because the backlog was full. */
  dropped: number;
  /** Requests still running when the drain timeout ran out (their outcome is unknown). */
  unfinished: number;
  /**
   * Open loop: wall time the scheduler spent yielding (spin, CPU burnt on purpose) and blocked
   * (futex sleep) before deadlines in the measured window, and its final timer guard, ms.
   */
  waitMs?: { spin: number; block: number; guard: number };
}

/** How long to wait for requests still in flight after the window, ms. */
export const DRAIN_TIMEOUT_MS = 30_000;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Wait for `pending` to reach zero, at most `timeoutMs`; returns what is still pending. */
export async function drain(pending: () => number, timeoutMs = DRAIN_TIMEOUT_MS): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (pending() > 0 && Date.now() < deadline) await sleep(5);
  return pending();
}
