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
 * Requests queueing for a connection while the server sits idle: the queue is the generator's when
 * the server executed for less than this share of the connections' time...
 */
export const MAX_IDLE_SERVER_SHARE = 0.25;
/** ...while requests waited for a connection longer than this on average, ms... */
export const MIN_QUEUE_WAIT_MS = 1;
/** ...and the generator was busy (% of a core): it, not the server, held the connections... */
export const MIN_QUEUEING_GENERATOR_CPU_PERCENT = 50;
/*
 * ...and the queue was the router's own, on connections it already had: some acquire() waited in
 * the router, and the router opened no connection in the segment. Without the last two, the rule
 * flagged what the layout or a pooler decided (seen in CI): a database-per-tenant router at its
 * cap evicting and opening connections (no statement runs while one opens), and PgBouncer queueing
 * for its server connection (the router never waited).
 */

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
  /** acquire() calls that waited in the router's own queue in the segment; null when unknown. */
  routerWaits?: number | null;
  /** Connections the router opened in the segment (after its prewarm); null when unknown. */
  routerOpened?: number | null;
}

/**
 * The reasons the generator limited a window (empty = it did not): its busy CPU near a core; in
 * the open loop, requests sent later than `maxLatenessMs` after their intended start at P99 (the
 * workload's maxEventLoopLagMs: the same tolerance as the event-loop lag gate, both being the
 * generator's own delay); requests queueing in the router for the connections it holds while the
 * server sits idle and the generator is busy.
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
  const q = g.queueWaitMs ?? null;
  const busy = g.serverBusyShare ?? null;
  if (
    q !== null &&
    busy !== null &&
    q > MIN_QUEUE_WAIT_MS &&
    busy < MAX_IDLE_SERVER_SHARE &&
    g.busyCpuPercentOfOneCore > MIN_QUEUEING_GENERATOR_CPU_PERCENT &&
    (g.routerWaits ?? 0) > 0 &&
    g.routerOpened === 0
  ) {
    why.push(
      `generator-limited: requests waited ${q.toFixed(1)} ms on average for one of the router's open connections while the server executed statements ${(busy * 100).toFixed(0)}% of the connections' time, the generator busy at ${g.busyCpuPercentOfOneCore.toFixed(0)}% of a core`,
    );
  }
  return why;
}
