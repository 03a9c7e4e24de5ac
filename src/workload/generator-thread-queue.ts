import type { TenantRouter } from '../layouts/layout.js';
import { wrapSession } from '../layouts/wrap-session.js';

/**
 * The generator threads' router queues, read from the main thread: one Int32 cell per thread in a
 * SharedArrayBuffer. Each thread stores its router's queue length (waiting()) at every acquire
 * start, acquire end and release (no timer); the main thread's pg_stat_activity sampler reads the
 * sum. Each thread's pool is one queue for every tenant: a request waiting in thread A's pool while
 * thread B's backends sit idle is still the generator's own split of the connections.
 */
export function queueCells(threads: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * threads);
}

/** The main thread's probe: requests waiting now in every thread's router. */
export function queueProbe(cells: SharedArrayBuffer): () => number {
  const view = new Int32Array(cells);
  return () => {
    let n = 0;
    for (let i = 0; i < view.length; i++) n += Atomics.load(view, i);
    return n;
  };
}

/**
 * Thread side: `router` publishing its queue length in cell `index`; the router itself when it has
 * no single queue (per-tenant pools: no waiting()).
 */
export function publishQueue(router: TenantRouter, cells: SharedArrayBuffer, index: number): TenantRouter {
  if (!router.waiting) return router;
  const view = new Int32Array(cells);
  const waiting = () => router.waiting?.() ?? 0;
  const publish = () => {
    Atomics.store(view, index, waiting());
  };
  return {
    waiting,
    acquire(tenant) {
      // pg-pool queues a checkout synchronously, inside acquire().
      const pending = router.acquire(tenant);
      publish();
      return pending.then(
        (s) => {
          publish();
          // Published once the connection is back (handed to the next queued request).
          return wrapSession(s, { afterRelease: publish });
        },
        (err: unknown) => {
          publish();
          throw err;
        },
      );
    },
    stats: () => router.stats(),
    close: () => router.close(),
  };
}
