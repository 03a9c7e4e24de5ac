import type { IdSource } from './workload-query.js';

/**
 * Which part of a segment's load one generator thread drives: thread `index` of `count`. Items (the
 * closed loop's virtual users, the open loop's arrivals) are dealt round robin, so each thread gets
 * an interleaved slice of one deterministic sequence and the union over the threads is the
 * sequence one thread would drive: same seed and thread count, same requests.
 */
export interface ThreadShare {
  readonly index: number;
  readonly count: number;
}

/** The whole load, on one thread. */
export const WHOLE_LOAD: ThreadShare = { index: 0, count: 1 };

/** Whether item `i` (a user, an arrival) is this thread's. */
export function owns(s: ThreadShare, i: number): boolean {
  return i % s.count === s.index;
}

/** How many of `total` items (users, connections) this thread gets: the round robin's count. */
export function shareOf(total: number, s: ThreadShare): number {
  return Math.floor(total / s.count) + (s.index < total % s.count ? 1 : 0);
}

export interface IdBase {
  orders: number;
  order_items: number;
}

/**
 * Ids for this thread's writes from one allocation (id-allocator.ts) made before the threads start:
 * thread k of n takes base + k + 1, base + n + k + 1, ..., so no two threads hand out one id and
 * no thread waits for another.
 */
export function stridedIds(base: IdBase, s: ThreadShare): IdSource {
  const taken = { orders: 0, order_items: 0 };
  return { next: (table) => base[table] + taken[table]++ * s.count + s.index + 1 };
}
