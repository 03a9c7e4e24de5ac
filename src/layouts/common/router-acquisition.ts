import type { Acquisition } from '../layout.js';

/** An idle connection handed out at once (shared: no allocation on the hot path). */
export const REUSED: Acquisition = Object.freeze({ kind: 'reused', waitMs: 0, connectMs: 0 });

/**
 * How a checkout that began at `start` (performance.now() ms) obtained its connection: `waitedUntil`
 * is when its wait in the router's queue ended (null = it did not wait), `connectFrom` when opening
 * a new connection began (null = an idle one was reused), `end` when the connection was in hand.
 */
export function acquisitionOf(start: number, waitedUntil: number | null, connectFrom: number | null, end: number): Acquisition {
  if (waitedUntil === null && connectFrom === null) return REUSED;
  const waitMs = waitedUntil === null ? 0 : Math.max(0, waitedUntil - start);
  if (connectFrom === null) return { kind: 'waited-then-reused', waitMs, connectMs: 0 };
  return { kind: waitedUntil === null ? 'connected' : 'waited-then-connected', waitMs, connectMs: Math.max(0, end - connectFrom) };
}
