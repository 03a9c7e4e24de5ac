import { performance } from 'node:perf_hooks';

/** Monotonic stopwatch in seconds. */
export function stopwatch(): { seconds(): number } {
  const t0 = performance.now();
  return { seconds: () => (performance.now() - t0) / 1000 };
}

/** Run `fn` and return its result with elapsed seconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const sw = stopwatch();
  const r = await fn();
  return [r, sw.seconds()];
}
