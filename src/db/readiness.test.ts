import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoginRefused, Wait } from './readiness.js';

/** A check that fails `n` times, then succeeds. */
function failing(n: number, err: () => unknown = () => new Error('not yet')) {
  let calls = 0;
  const check = async () => {
    calls++;
    if (calls <= n) throw err();
  };
  return { check, calls: () => calls };
}

describe('readiness wait', () => {
  it('is ready at the first attempt that succeeds', async () => {
    const f = failing(3);
    const r = await Wait.forCheck(f.check).withPollInterval(1).waitUntilReady();
    assert.deepEqual(r, { ready: true });
    assert.equal(f.calls(), 4);
  });

  it('gives up after the startup timeout with the last error', async () => {
    const f = failing(Number.POSITIVE_INFINITY);
    const started = Date.now();
    const r = await Wait.forCheck(f.check).withStartupTimeout(50).withPollInterval(5).waitUntilReady();
    assert.equal(r.ready, false);
    assert.equal(r.ready === false && r.reason, 'timeout');
    assert.equal(r.ready === false && r.reason !== 'exited' && (r.lastError as Error).message, 'not yet');
    assert.ok(Date.now() - started >= 50);
    assert.ok(f.calls() > 1);
  });

  it('stops at once on an error waiting will not cure', async () => {
    const f = failing(Number.POSITIVE_INFINITY, () =>
      Object.assign(new Error('password authentication failed for user "x"'), { code: '28P01' }),
    );
    const r = await Wait.forCheck(f.check).withGiveUpOn(isLoginRefused).waitUntilReady();
    assert.equal(r.ready === false && r.reason, 'gave-up');
    assert.equal(f.calls(), 1);
  });

  it('stops when the watched process has exited, without another attempt', async () => {
    const f = failing(0);
    const r = await Wait.forCheck(f.check).waitUntilReady({ exitCode: 1, signalCode: null });
    assert.deepEqual(r, { ready: false, reason: 'exited', exitCode: 1, signal: null });
    assert.equal(f.calls(), 0);
  });

  it('keeps the settings of the strategy it was derived from', () => {
    const base = Wait.forCheck(async () => {});
    assert.equal(base.startupTimeoutMs, 60_000);
    assert.equal(base.withStartupTimeout(15_000).startupTimeoutMs, 15_000);
    assert.equal(base.withStartupTimeout(15_000).withPollInterval(10).startupTimeoutMs, 15_000);
    assert.equal(base.startupTimeoutMs, 60_000);
  });

  it('recognises a refused login by SQLSTATE or message', () => {
    assert.equal(isLoginRefused({ code: '28P01' }), true);
    assert.equal(isLoginRefused(new Error('password authentication failed for user "a"')), true);
    assert.equal(isLoginRefused(new Error('connect ECONNREFUSED 127.0.0.1:5432')), false);
    assert.equal(isLoginRefused(undefined), false);
  });
});
