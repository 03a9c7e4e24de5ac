import { errorMessage, sqlState } from '../../errors.js';

/** SQLSTATE deadlock_detected: the server rolled the transaction back to break a lock cycle. */
export const DEADLOCK = '40P01';

/** What one attempt reports: failed with a SQLSTATE, or not. */
export interface AttemptOutcome {
  status: 'ok' | 'failed';
  sqlstate: string | null;
}

/**
 * Run `attempt` again while it fails as a deadlock victim (40P01), at most `maxRetries` more times.
 * Any other outcome (success, another error) ends it at once. Returns the first and the last
 * outcome and how many retries were made.
 */
export async function retryDeadlocks<T extends AttemptOutcome>(
  attempt: () => Promise<T>,
  maxRetries: number,
  onRetry: (retry: number) => void = () => {},
): Promise<{ first: T; last: T; retries: number }> {
  const first = await attempt();
  let last = first;
  let retries = 0;
  while (last.status === 'failed' && last.sqlstate === DEADLOCK && retries < maxRetries) {
    retries++;
    onRetry(retries);
    last = await attempt();
  }
  return { first, last, retries };
}

/**
 * A failed attempt's SQLSTATE and first message line. node-pg-migrate wraps some errors (a deadlock
 * among them); the SQLSTATE is then on the cause.
 */
export function failureOf(err: unknown): { sqlstate: string | null; error: string } {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return { sqlstate: sqlState(err) ?? sqlState(cause), error: errorMessage(err).split('\n')[0]! };
}
