/**
 * What a layout's tail (P99 response time) is made of: generator lateness, waiting in the router
 * for a connection, connecting, or the server (the query's round trip), from the recorded phases.
 */

/** A phase's P99 and the share of requests that went through it (1 for phases every request has). */
export interface TailCandidate {
  cause: 'generator lateness' | 'waiting for a connection' | 'connecting' | 'the server';
  p99Ms: number | null;
  share: number | null;
}

/** A phase taken by fewer requests than this cannot fill the slowest 1% on its own. */
export const MIN_TAIL_SHARE = 0.01;
/** A phase explains the tail when its P99 is at least this fraction of the response P99. */
export const MIN_TAIL_FRACTION = 0.5;

/**
 * The phase that explains the tail: among the phases at least MIN_TAIL_SHARE of the requests went
 * through, the one with the largest P99, when that P99 reaches MIN_TAIL_FRACTION of the response
 * P99; else "no single phase". A heuristic on percentiles (per-phase P99s, not the phases of the
 * slowest requests), stated as such in the report.
 */
export function tailAttribution(responseP99Ms: number | null, candidates: readonly TailCandidate[]): string {
  if (responseP99Ms === null || responseP99Ms <= 0) return 'not measured';
  let best: TailCandidate | null = null;
  for (const c of candidates) {
    if (c.p99Ms === null || c.share === null || c.share < MIN_TAIL_SHARE) continue;
    if (!best || c.p99Ms > best.p99Ms!) best = c;
  }
  if (!best || best.p99Ms! < MIN_TAIL_FRACTION * responseP99Ms) return 'no single phase';
  const of = best.share! < 1 ? `, ${(best.share! * 100).toFixed(best.share! < 0.1 ? 1 : 0)}% of requests` : '';
  return `${best.cause} (P99 ${best.p99Ms!.toFixed(1)} ms${of})`;
}
