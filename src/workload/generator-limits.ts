import type { ServerBackends } from './server-backend-sampler.js';

/**
 * When is the load generator, not the layout, the bottleneck of a window? Its figures then describe
 * the client, and the window is never reported as the layout's result (DESIGN: "Measuring honestly").
 */

/**
 * CPU the generator may use, in % of one core, not counting the time its scheduler spent yielding
 * on purpose before a deadline. Node runs requests on one thread: near 100% it cannot send or
 * time anything sooner, and its latencies grow with its own queue.
 */
export const MAX_GENERATOR_BUSY_CPU_PERCENT = 90;

/**
 * The router's queue is material when at least this share of the window's requests queued for a
 * connection the router already held...
 */
export const MIN_QUEUED_SHARE = 0.1;
/** ...and those requests queued this long on average, ms (a sub-millisecond hand-over is not a queue). */
export const MIN_QUEUED_MEAN_MS = 1;
/**
 * Share of the layout's sampled backends waiting on the client above which the server sat waiting
 * on the generator: 'idle in transaction' (between a request's statements), plus, in the samples
 * taken while requests waited behind one pool for every tenant, 'idle' (a connection done with its
 * request and not yet handed to a queued one: the generator's hand-over).
 */
export const MIN_CLIENT_WAIT_SHARE = 0.5;
/** Fewer samples than this (a window of under ~0.5 s at 25 ms) judge nothing. */
export const MIN_BACKEND_SAMPLES = 20;

export interface GeneratorLoad {
  /** Process CPU over the measured window, % of one core. */
  cpuPercentOfOneCore: number;
  /** The same without the scheduler's deliberate yields (setImmediate spins), % of one core. */
  busyCpuPercentOfOneCore: number;
  /** Open loop: schedule lateness P99 of every request sent in the window, ms; null in closed loop. */
  latenessP99Ms: number | null;
  /**
   * Mean time a request waited for a connection beyond one round trip (acquire mean - commit
   * mean, COMMIT being a bare round trip), ms; null when unknown.
   */
  queueWaitMs?: number | null;
  /** Server execution time (pg_stat_statements) / (window x connections); null when not measured. */
  serverBusyShare?: number | null;
  /** The router's own queue: successful requests, those that waited for a connection it already held, and their total wait. */
  routerQueue?: RouterQueue | null;
  /** The layout's backends sampled in pg_stat_activity over the window, and why they are not judged (a pooler). */
  serverBackends?: (ServerBackends & { notJudged: string | null }) | null;
}

export interface RouterQueue {
  requests: number;
  /** Requests that queued for a connection the router already held (acquisition 'waited-then-reused'). */
  waitedForHeld: number;
  /** Their total queueing time, ms. */
  waitedForHeldMs: number;
}

/**
 * The reasons the generator limited a window (empty = it did not): its busy CPU near a core; in
 * the open loop, requests sent later than `maxLatenessMs` after their intended start at P99 (the
 * workload's maxEventLoopLagMs: the same tolerance as the event-loop lag gate, both being the
 * generator's own delay).
 */
export function generatorLimits(g: GeneratorLoad, maxLatenessMs: number): string[] {
  const why: string[] = [];
  if (g.busyCpuPercentOfOneCore > MAX_GENERATOR_BUSY_CPU_PERCENT) {
    why.push(
      `generator-limited: its CPU ${g.busyCpuPercentOfOneCore.toFixed(0)}% of a core > ${MAX_GENERATOR_BUSY_CPU_PERCENT}% (scheduler yields excluded)`,
    );
  }
  if (g.latenessP99Ms !== null && g.latenessP99Ms > maxLatenessMs) {
    why.push(
      `generator-limited: schedule lateness P99 ${g.latenessP99Ms.toFixed(2)} ms > ${maxLatenessMs} ms (requests sent late by the generator itself)`,
    );
  }
  const queued = routerQueueLimit(g);
  if (queued) why.push(queued);
  return why;
}

/**
 * Requests queued in the router for connections it held while the server's side of those
 * connections waited on the client: the connections were held by the generator's own slow round
 * trips and hand-overs, not by server work, so the queue is the generator's.
 * - Behind one pool for every tenant, with at least MIN_BACKEND_SAMPLES samples taken while requests
 *   waited: every connection was checked out then, so 'idle in transaction' (between a request's
 *   statements) and 'idle' (done with a request, not yet handed to a queued one) both wait on the client.
 * - Otherwise over the whole window, 'idle in transaction' only: an idle backend may be another
 *   tenant's unused connection (per-tenant pools) or no demand at that moment (the queue came in bursts).
 * Only the router's own queue for held connections counts ('waited-then-reused'): a capped router
 * opening a connection (database per tenant) is the layout's cost, and through a pooler the
 * backends are the pooler's (not judged, the reason recorded).
 */
export function routerQueueLimit(g: Pick<GeneratorLoad, 'routerQueue' | 'serverBackends'>): string | null {
  const q = g.routerQueue;
  const b = g.serverBackends;
  if (!q || !b || b.notJudged !== null || b.reason !== null || q.requests === 0) return null;
  if (b.samples < MIN_BACKEND_SAMPLES || b.idleInTransactionShare === null) return null;
  const share = q.waitedForHeld / q.requests;
  const meanMs = q.waitedForHeld ? q.waitedForHeldMs / q.waitedForHeld : 0;
  if (share < MIN_QUEUED_SHARE || meanMs < MIN_QUEUED_MEAN_MS) return null;
  const wq = b.whileQueued;
  const queuedBasis = wq && wq.samples >= MIN_BACKEND_SAMPLES && wq.idleInTransactionShare !== null && wq.idleShare !== null;
  const clientWait = queuedBasis ? wq.idleInTransactionShare! + wq.idleShare! : b.idleInTransactionShare;
  if (clientWait < MIN_CLIENT_WAIT_SHARE) return null;
  const states = queuedBasis
    ? `idle in transaction ${pct(wq.idleInTransactionShare!)} + idle ${pct(wq.idleShare!)} (the hand-over) = ${pct(clientWait)} ` +
      `in the ${wq.samples} samples taken while requests waited (one pool)`
    : `idle in transaction ${pct(clientWait)} of the time`;
  return (
    `generator-limited: ${pct(share)} of requests queued in the router for a connection it held (mean ${meanMs.toFixed(1)} ms) ` +
    `while the server's backends waited for the client, ${states} ` +
    `(>= ${MIN_CLIENT_WAIT_SHARE * 100}%, ${b.samples} pg_stat_activity samples)`
  );
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
