import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalSql, diffSnapshots } from './statement-stats.js';

describe('pg_stat_statements matching', () => {
  it("matches the client's text to the server's normalized one (constants as $n)", () => {
    const client =
      "SELECT o.id FROM orders o\n  WHERE o.created_at < $1 AND o.tenant_id = $2 AND o.status = 'paid' ORDER BY o.created_at DESC LIMIT 50 ";
    const server =
      'SELECT o.id FROM orders o\n  WHERE o.created_at < $1 AND o.tenant_id = $2 AND o.status = $3 ORDER BY o.created_at DESC LIMIT $4';
    assert.equal(canonicalSql(client), canonicalSql(server));
    assert.notEqual(
      canonicalSql('SELECT * FROM t0001.orders'),
      canonicalSql('SELECT * FROM t0002.orders'),
      'schema names are not constants',
    );
  });

  it('subtracts the start snapshot; a statement first seen later counts from zero', () => {
    const d = diffSnapshots(
      new Map([
        ['a', { calls: 10, totalExecMs: 5 }],
        ['b', { calls: 3, totalExecMs: 1 }],
      ]),
      new Map([
        ['a', { calls: 15, totalExecMs: 7.5 }],
        ['b', { calls: 3, totalExecMs: 1 }],
        ['c', { calls: 2, totalExecMs: 0.5 }],
      ]),
    );
    assert.deepEqual(
      [...d.entries()],
      [
        ['a', { calls: 5, totalExecMs: 2.5 }],
        ['c', { calls: 2, totalExecMs: 0.5 }],
      ],
    );
  });
});
