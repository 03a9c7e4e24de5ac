/**
 * A sampling loop: run `sample` (one query, its result accumulated by the caller), wait
 * `intervalMs`, again, until end() or until a sample throws (then the loop stops and the error is
 * the failure). The first sample is taken at once, synchronously up to its first await, so the
 * caller's edge marks read before the call still frame it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Polling {
  /** Ask the loop to stop (synchronous: the window's edge); the sample in flight still completes. */
  end(): void;
  /** end(), then wait for the loop to finish; the error a sample threw, or null when none failed. */
  stop(): Promise<{ error: unknown } | null>;
}

export function pollQuery(sample: () => Promise<void>, intervalMs: number): Polling {
  let running = true;
  const loop = (async (): Promise<{ error: unknown } | null> => {
    while (running) {
      try {
        await sample();
      } catch (error) {
        return { error };
      }
      await sleep(intervalMs);
    }
    return null;
  })();
  return {
    end() {
      running = false;
    },
    async stop() {
      running = false;
      return loop;
    },
  };
}
