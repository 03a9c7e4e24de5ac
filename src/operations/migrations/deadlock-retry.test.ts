/**
 * A migration unit chosen as a deadlock victim (40P01, also when node-pg-migrate wraps the error)
 * is run again, at most the given number of times; any other failure or success is final.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEADLOCK, failureOf, retryDeadlocks } from './deadlock-retry.js';
import type { AttemptOutcome } from './deadlock-retry.js';

/** An attempt that returns the given outcomes in turn, numbered, and counts its calls. */
function attempts(...outcomes: AttemptOutcome[]) {
  let calls = 0;
  const attempt = async () => ({ ...outcomes[Math.min(calls, outcomes.length - 1)]!, n: ++calls });
  return { attempt, calls: () => calls };
}
const ok: AttemptOutcome = { status: 'ok', sqlstate: null };
const deadlock: AttemptOutcome = { status: 'failed', sqlstate: DEADLOCK };

describe('retryDeadlocks', () => {
  it('runs a deadlock victim again until it succeeds, counting the retries', async () => {
    const a = attempts(deadlock, deadlock, ok);
    const seen: number[] = [];
    const r = await retryDeadlocks(a.attempt, 2, (n) => seen.push(n));
    assert.equal(r.last.status, 'ok');
    assert.equal(r.retries, 2);
    assert.equal(a.calls(), 3);
    assert.equal(r.first.n, 1, 'the first attempt is kept (its version before the run)');
    assert.equal(r.last.n, 3);
    assert.deepEqual(seen, [1, 2]);
  });

  it('gives up after maxRetries, with the deadlock as the outcome', async () => {
    const a = attempts(deadlock);
    const r = await retryDeadlocks(a.attempt, 2);
    assert.equal(a.calls(), 3);
    assert.equal(r.retries, 2);
    assert.deepEqual([r.last.status, r.last.sqlstate], ['failed', DEADLOCK]);
    const none = attempts(deadlock);
    assert.equal((await retryDeadlocks(none.attempt, 0)).retries, 0);
    assert.equal(none.calls(), 1);
  });

  it('does not retry a success or another error (a lock timeout is final)', async () => {
    for (const first of [ok, { status: 'failed', sqlstate: '55P03' } as const, { status: 'failed', sqlstate: null } as const]) {
      const a = attempts(first, ok);
      const r = await retryDeadlocks(a.attempt, 5);
      assert.equal(a.calls(), 1);
      assert.equal(r.retries, 0);
      assert.equal(r.last, r.first);
    }
  });

  it('a 40P01 thrown by the driver or wrapped by node-pg-migrate goes through the retry', async () => {
    const driverError = Object.assign(new Error('deadlock detected\nDETAIL: Process 1 waits for ...'), { code: '40P01' });
    const wrapped = new Error('Not run migration 002_add_column_with_default is preceding already run migration', { cause: driverError });
    assert.deepEqual(failureOf(driverError), { sqlstate: '40P01', error: 'deadlock detected' });
    assert.deepEqual(failureOf(wrapped), {
      sqlstate: '40P01',
      error: 'Not run migration 002_add_column_with_default is preceding already run migration',
    });
    assert.deepEqual(failureOf(new Error('boom', { cause: 'text' })), { sqlstate: null, error: 'boom' });
    let thrown = 0;
    const attempt = async (): Promise<AttemptOutcome> => {
      try {
        if (thrown++ === 0) throw wrapped;
        return ok;
      } catch (err) {
        return { status: 'failed', sqlstate: failureOf(err).sqlstate };
      }
    };
    const r = await retryDeadlocks(attempt, 2);
    assert.equal(r.retries, 1);
    assert.equal(r.last.status, 'ok');
  });
});
