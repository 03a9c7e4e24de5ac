/**
 * A restore is accepted only when its checksum equals the source's: matching row counts with
 * different data, lost or extra rows, rows of other tenants, or an error each make it failed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TENANT_TABLES } from '../../../seed/tenant-plan.js';
import type { TableChecksums } from '../../layouts/layout.js';
import { datasetChecksum, tenantChecksum } from '../../seed-check.js';
import { compareRestore } from './restore-verdict.js';

function sums(slug: string, rows = 10, hash = (table: string) => `${slug}:${table}`): TableChecksums {
  return Object.fromEntries(TENANT_TABLES.map((table) => [table, { rows, hash: hash(table) }])) as TableChecksums;
}
const one = (t: TableChecksums = sums('t1')) => new Map([['t1', t]]);
const two = () =>
  new Map([
    ['t1', sums('t1')],
    ['t2', sums('t2', 5)],
  ]);
const clean = { seconds: 1.5, foreign: 0, error: null };

describe('compareRestore', () => {
  it('accepts a restore with the source checksum and rows (one tenant: its tenant checksum)', () => {
    const r = compareRestore('pg_restore', one(), one(), clean);
    assert.deepEqual(r, {
      method: 'pg_restore',
      status: 'ok',
      seconds: 1.5,
      rowsExpected: 40,
      rowsRestored: 40,
      rowsLost: 0,
      checksumExpected: tenantChecksum(sums('t1')),
      checksumRestored: tenantChecksum(sums('t1')),
      foreignRows: 0,
      error: null,
    });
  });

  it('several tenants: compared by the dataset checksum over them', () => {
    const r = compareRestore('pg_restore -j 2', two(), two(), { seconds: 3, foreign: null, error: null });
    assert.equal(r.status, 'ok');
    assert.equal(r.checksumExpected, datasetChecksum(two()));
    assert.equal(r.checksumRestored, datasetChecksum(two()));
    assert.equal(r.rowsExpected, 60);
    assert.equal(r.foreignRows, null);
  });

  it('refuses a restore whose row counts match but whose data differs', () => {
    const tampered = sums('t1', 10, (table) => (table === 'orders' ? 'other data' : `t1:${table}`));
    const r = compareRestore('COPY', one(), one(tampered), clean);
    assert.equal(r.status, 'failed');
    assert.equal(r.rowsRestored, r.rowsExpected, 'the counts match');
    assert.equal(r.rowsLost, 0);
    assert.notEqual(r.checksumRestored, r.checksumExpected);
    assert.equal(r.error, 'restore does not match the source: t1.orders: 10 of 10 rows, hash differs');
  });

  it('refuses lost rows, naming each table short of rows', () => {
    const restored = two();
    const t2 = sums('t2', 5);
    t2.customers = { rows: 3, hash: 'fewer' };
    restored.set('t2', t2);
    const r = compareRestore('COPY', two(), restored, clean);
    assert.equal(r.status, 'failed');
    assert.equal(r.rowsRestored, 58);
    assert.equal(r.rowsLost, 2);
    assert.equal(r.error, 'restore does not match the source: t2.customers: 3 of 5 rows');
  });

  it('refuses a tenant missing from the restore, and names at most five differences', () => {
    const r = compareRestore('COPY', two(), new Map([['t2', sums('t2', 5)]]), clean);
    assert.equal(r.status, 'failed');
    assert.equal(r.rowsLost, 40);
    assert.equal(
      r.error,
      'restore does not match the source: t1.customers: none of 10 rows; t1.products: none of 10 rows; t1.orders: none of 10 rows; t1.order_items: none of 10 rows',
    );
    const restored = new Map([
      ['t1', sums('t1', 9)],
      ['t2', sums('t2', 4)],
    ]);
    const many = compareRestore('COPY', two(), restored, clean);
    assert.equal(many.error?.split('; ').length, 5);
  });

  it('refuses a single-tenant restore holding other tenants rows, even with the right checksum', () => {
    const r = compareRestore('pg_restore', one(), one(), { seconds: 1, foreign: 7, error: null });
    assert.equal(r.status, 'failed');
    assert.equal(r.foreignRows, 7);
    assert.equal(r.error, 'restore does not match the source: 7 rows of other tenants');
  });

  it('refuses a restore that errored: its own error, no restored figures', () => {
    const r = compareRestore('pg_restore', one(), null, { seconds: null, foreign: null, error: 'pg_restore exited 1' });
    assert.equal(r.status, 'failed');
    assert.equal(r.error, 'pg_restore exited 1');
    assert.equal(r.rowsRestored, null);
    assert.equal(r.rowsLost, null);
    assert.equal(r.checksumRestored, null);
    const alsoErrored = compareRestore('pg_restore', one(), one(), { seconds: 2, foreign: 0, error: 'exit 1 after the data' });
    assert.equal(alsoErrored.status, 'failed');
    assert.equal(alsoErrored.error, 'exit 1 after the data');
  });
});
