import { performance } from 'node:perf_hooks';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { ResolvedWorkload } from '../config/resolved-scenario.js';
import type { TenantRouter } from '../layouts/layout.js';
import { makeTenantChooser } from './tenant-chooser.js';
import type { CompiledMix } from './compiled-mix.js';
import type { RequestOptions } from './execute-request.js';
import type { WorkloadRecorder } from './workload-recorder.js';
import type { ThreadShare } from './generator-thread-share.js';
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
  /** This thread's share of the users (closed loop) or arrivals (open loop); WHOLE_LOAD on one thread. */
  readonly share: ThreadShare;
  /**
   * performance.now() at which the warm-up begins (generator threads share one absolute start, so
   * their measured windows coincide); undefined = when the driver starts.
   */
  readonly startAt?: number;
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

/** The fields of a DriveContext that follow from the workload, the router and the layout's tenant locations. */
export function workloadDriveFields(
  w: ResolvedWorkload,
  router: TenantRouter,
  locate: (t: TenantPlan) => { pooled: boolean },
  tenants: readonly TenantPlan[],
): Pick<DriveContext, 'chooseTenant' | 'request' | 'warmupMs' | 'durationMs' | 'intervalMs'> {
  return {
    chooseTenant: makeTenantChooser(w.tenantChoice, tenants),
    request: { router, prepared: w.prepared, explicitTenantFilter: w.explicitTenantFilter, tenantColumn: (t) => locate(t).pooled },
    warmupMs: w.warmupSeconds * 1000,
    durationMs: w.durationSeconds * 1000,
    intervalMs: w.intervalSeconds * 1000,
  };
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

/**
 * The outage watchdog: connection failures and no success for `maxOutageSeconds` = the server is
 * gone; sets `abortReason` so the drivers stop (results so far kept). Returns its stop.
 */
export function watchOutages(health: Health, maxOutageSeconds: number): () => void {
  let errorsAtLastCheck = 0;
  const timer = setInterval(() => {
    const silentMs = performance.now() - health.lastOkAt;
    if (silentMs > maxOutageSeconds * 1000 && health.connectionErrors > errorsAtLastCheck) {
      health.abortReason = `target unreachable: no successful request for ${(silentMs / 1000).toFixed(1)} s and ${health.connectionErrors} connection errors; stopped early, results so far kept (incomplete)`;
    }
    if (silentMs <= maxOutageSeconds * 1000) errorsAtLastCheck = health.connectionErrors;
  }, 250);
  return () => clearInterval(timer);
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
