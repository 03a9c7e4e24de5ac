/**
 * The cleanups around a measured window (removing the rows a writing mix inserted) are idempotent,
 * so a connection lost to a short outage or a killed backend is retried on a fresh connection
 * instead of failing the whole run; a server that stays gone still fails after `budgetMs`.
 */
import createDebug from 'debug';
import { errorMessage, sqlState } from '../errors.js';

const debug = createDebug('tenantbench:workload');

/** Node socket errors and pg messages that mean "this connection is gone", not "this SQL is wrong". */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);
const CONNECTION_MESSAGES =
  /Connection terminated|terminating connection|connection error|Client was closed|the database system is (starting up|shutting down)/i;

export function isConnectionLoss(err: unknown): boolean {
  const state = sqlState(err);
  // 08 connection exception, 57P01-57P03 admin shutdown / crash shutdown / cannot connect now.
  if (state) return state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03';
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
  return CONNECTION_CODES.has(code) || CONNECTION_MESSAGES.test(errorMessage(err));
}

/**
 * Run `fn`; on a lost connection, wait (100 ms, doubling, at most 2 s) and run it again until it
 * succeeds or `budgetMs` has passed, then throw the last error. Other errors are thrown at once.
 */
export async function retryOnConnectionLoss<T>(
  what: string,
  fn: () => Promise<T>,
  budgetMs: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  const deadline = performance.now() + budgetMs;
  let delay = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isConnectionLoss(err) || performance.now() + delay > deadline) throw err;
      debug('%s: attempt %d lost its connection (%s); retrying in %d ms', what, attempt, errorMessage(err), delay);
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
    }
  }
}
