/**
 * Identical datasets are proven by checksum, not by row counts: a tenant whose rows are all there
 * but whose data differs (same counts, another hash) makes the layouts not identical.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDataset, TENANT_TABLES } from '../seed/tenant-plan.js';
import type { TenantPlan } from '../seed/tenant-plan.js';
import type { LayoutName } from './config/scenario-schema.js';
import type { TableChecksums } from './layouts/layout.js';
import { compareLayouts, datasetChecksum, tenantChecksum } from './seed-check.js';

const plan = planDataset({ seed: 9, tenants: 3, rows: 3000, sizes: { kind: 'zipf', s: 1 } });

/** The checksums a correct layout reports for `t` (hashes derived from the slug and table). */
function sums(t: TenantPlan, hashOf = (table: string) => `${t.slug}-${table}`): TableChecksums {
  return Object.fromEntries(TENANT_TABLES.map((table) => [table, { rows: t.counts[table], hash: hashOf(table) }])) as TableChecksums;
}
const correct = () => new Map(plan.tenants.map((t) => [t.slug, sums(t)]));
const compare = (byLayout: [LayoutName, Map<string, TableChecksums>][]) => compareLayouts(plan, new Map(byLayout));
const [t1, t2] = plan.tenants as [TenantPlan, TenantPlan];

describe('compareLayouts', () => {
  it('identical rows in every layout: identical, one checksum per tenant', () => {
    const d = compare([
      ['shared', correct()],
      ['rls', correct()],
      ['schema', correct()],
    ]);
    assert.equal(d.identicalAcrossLayouts, true);
    assert.deepEqual(d.mismatches, []);
    assert.deepEqual(d.layoutsCompared, ['shared', 'rls', 'schema']);
    assert.equal(d.checksum, datasetChecksum(correct()));
    assert.deepEqual(
      d.tenants.map((t) => [t.slug, t.id, t.plan, t.rows, t.checksum]),
      plan.tenants.map((t) => [t.slug, t.id, t.plan, t.rows, tenantChecksum(sums(t))]),
    );
  });

  it('same row counts but different data: not identical, the table named with both hashes', () => {
    const rls = correct();
    rls.set(
      t2.slug,
      sums(t2, (table) => (table === 'orders' ? 'tampered' : `${t2.slug}-${table}`)),
    );
    const d = compare([
      ['shared', correct()],
      ['rls', rls],
    ]);
    assert.equal(d.identicalAcrossLayouts, false);
    assert.deepEqual(d.mismatches, [
      {
        tenant: t2.slug,
        layout: 'rls',
        table: 'orders',
        expectedRows: t2.counts.orders,
        rows: t2.counts.orders,
        hash: 'tampered',
        referenceHash: `${t2.slug}-orders`,
      },
    ]);
  });

  it('a row missing: not identical, even in the reference layout itself', () => {
    const shared = correct();
    const s = sums(t1);
    s.customers = { rows: s.customers.rows - 1, hash: s.customers.hash };
    shared.set(t1.slug, s);
    const d = compare([['shared', shared]]);
    assert.equal(d.identicalAcrossLayouts, false);
    assert.deepEqual(
      d.mismatches.map((m) => [m.tenant, m.layout, m.table, m.expectedRows, m.rows]),
      [[t1.slug, 'shared', 'customers', t1.counts.customers, t1.counts.customers - 1]],
    );
  });

  it('a tenant missing in a layout: every table of it listed, with no rows or hash', () => {
    const schema = correct();
    schema.delete(t1.slug);
    const d = compare([
      ['shared', correct()],
      ['schema', schema],
    ]);
    assert.equal(d.identicalAcrossLayouts, false);
    assert.deepEqual(
      d.mismatches.map((m) => [m.tenant, m.layout, m.table, m.rows, m.hash, m.referenceHash]),
      TENANT_TABLES.map((table) => [t1.slug, 'schema', table, null, null, `${t1.slug}-${table}`]),
    );
  });

  it('rows of a tenant that is not in the plan: listed (expected 0), empty tables not', () => {
    const db = correct();
    const zero = Object.fromEntries(TENANT_TABLES.map((table) => [table, { rows: 0, hash: '0' }])) as TableChecksums;
    db.set('t9999', { ...zero, products: { rows: 2, hash: 'x' } });
    const d = compare([['database', db]]);
    assert.equal(d.identicalAcrossLayouts, false);
    assert.deepEqual(d.mismatches, [
      { tenant: 't9999', layout: 'database', table: 'products', expectedRows: 0, rows: 2, hash: 'x', referenceHash: null },
    ]);
  });

  it('no layout compared: unknown (null), not identical', () => {
    const d = compare([]);
    assert.equal(d.identicalAcrossLayouts, null);
    assert.equal(d.checksum, null);
    assert.deepEqual(d.mismatches, []);
    assert.equal(d.tenants.length, plan.tenants.length);
    assert.ok(d.tenants.every((t) => t.checksum === null));
  });
});

describe('checksums', () => {
  it('a tenant checksum changes with any table row count or hash, and is 16 hex digits', () => {
    const base = tenantChecksum(sums(t1));
    assert.match(base, /^[0-9a-f]{16}$/);
    for (const table of TENANT_TABLES) {
      const rows = sums(t1);
      rows[table] = { ...rows[table], rows: rows[table].rows + 1 };
      const hash = sums(t1);
      hash[table] = { ...hash[table], hash: `${hash[table].hash}!` };
      assert.notEqual(tenantChecksum(rows), base, `${table} rows`);
      assert.notEqual(tenantChecksum(hash), base, `${table} hash`);
    }
  });

  it('the dataset checksum does not depend on the order tenants were read in, but on every slug and tenant', () => {
    const a = correct();
    const reversed = new Map([...a.entries()].reverse());
    assert.equal(datasetChecksum(reversed), datasetChecksum(a));
    assert.match(datasetChecksum(a), /^[0-9a-f]{16}$/);
    const renamed = new Map([...a.entries()].map(([slug, t], i) => [i === 0 ? `${slug}x` : slug, t]));
    assert.notEqual(datasetChecksum(renamed), datasetChecksum(a));
    const fewer = correct();
    fewer.delete(t2.slug);
    assert.notEqual(datasetChecksum(fewer), datasetChecksum(a));
  });
});
