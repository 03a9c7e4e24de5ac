import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConnectionLoss, retryOnConnectionLoss } from './cleanup-retry.js';

const lost = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
const noSleep = async () => {};

describe('retryOnConnectionLoss', () => {
  it('a backend killed during a cleanup: retried on a fresh connection, the result kept', async () => {
    let calls = 0;
    const r = await retryOnConnectionLoss(
      'cleanup',
      async () => {
        calls++;
        if (calls < 3) throw lost;
        return 42;
      },
      10_000,
      noSleep,
    );
    assert.equal(r, 42);
    assert.equal(calls, 3);
  });

  it('an error that is not a lost connection is thrown at once', async () => {
    let calls = 0;
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    await assert.rejects(
      retryOnConnectionLoss(
        'cleanup',
        async () => {
          calls++;
          throw syntax;
        },
        10_000,
        noSleep,
      ),
      /syntax error/,
    );
    assert.equal(calls, 1);
  });

  it('a server that stays gone: the last error once the budget is spent', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await assert.rejects(
      retryOnConnectionLoss(
        'cleanup',
        async () => {
          throw refused;
        },
        300,
        (ms) => new Promise((r) => setTimeout(r, ms)),
      ),
      /ECONNREFUSED/,
    );
  });

  it('tells connection losses from SQL errors', () => {
    assert.equal(isConnectionLoss(lost), true);
    assert.equal(isConnectionLoss(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isConnectionLoss(Object.assign(new Error('x'), { code: '08006' })), true);
    assert.equal(isConnectionLoss(Object.assign(new Error('x'), { code: '23505' })), false);
    assert.equal(isConnectionLoss(new Error('relation "orders" does not exist')), false);
  });
});
