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

/*
 * Not a rule: "requests queueing in the router for connections it already holds while the server
 * sits idle and the generator is busy". The router's own queue wait is now recorded apart from
 * connect time, per request (summary: queries.*.acquisition), which settles the rule's first half
 * (waited, opened none) exactly. Its second half is what fails: "the server sits idle" is judged
 * from pg_stat_statements' execution time, which leaves out everything else a held connection
 * costs the server per request (BEGIN and the tenant context, COMMIT and the reset statements,
 * parse/bind, the protocol, the backend's scheduling on cores it shares with the generator). On the
 * rate sweep's 100,000/s step on tiny data (CI) the router's connections were all busy with those
 * round trips, requests waited for them (waited-then-reused, none opened), statements executed a
 * few % of the connections' time and the generator used 51% of a core: the server, not the
 * generator, was the limit, and the split wait cannot tell the two apart. A sound rule needs the
 * server's side of a held connection: the router's backends sampled in pg_stat_activity, flagging
 * a window whose requests waited in the router while its connections sat 'idle in transaction'
 * (the server waiting for the client). Until then queueWaitMs, serverBusyShare and the acquisition
 * split are recorded and reported, not judged.
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
  return why;
}
