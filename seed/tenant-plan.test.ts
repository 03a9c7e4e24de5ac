import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateRows, planDataset, splitRows, TENANT_TABLES, tenantUuid } from './tenant-plan.js';

describe('tenant sizes', () => {
  it('uniform: exact total, equal shares within one row', () => {
    const r = allocateRows({ seed: 1, tenants: 7, rows: 1000, sizes: { kind: 'uniform' } });
    assert.equal(
      r.reduce((a, b) => a + b, 0),
      1000,
    );
    assert.ok(Math.max(...r) - Math.min(...r) <= 1);
  });

  it('zipf: exact total, every tenant at least one row, sizes not increasing with rank', () => {
    const r = allocateRows({ seed: 1, tenants: 50, rows: 10_000, sizes: { kind: 'zipf', s: 1.2 } });
    assert.equal(
      r.reduce((a, b) => a + b, 0),
      10_000,
    );
    assert.ok(r.every((x) => x >= 1));
    for (let i = 1; i < r.length; i++) assert.ok(r[i]! <= r[i - 1]! + 1, `rank ${i}`);
    assert.ok(r[0]! > 10 * r[49]!);
  });

  it('enterprise: the first tenants hold the given share', () => {
    const r = allocateRows({ seed: 1, tenants: 20, rows: 100_000, sizes: { kind: 'enterprise', count: 2, share: 0.5 } });
    const top = r[0]! + r[1]!;
    assert.ok(Math.abs(top / 100_000 - 0.5) < 0.001, `share ${top / 100_000}`);
  });

  it('as many rows as tenants gives one row each', () => {
    assert.deepEqual(allocateRows({ seed: 1, tenants: 4, rows: 4, sizes: { kind: 'zipf', s: 2 } }), [1, 1, 1, 1]);
  });
});

describe('table split', () => {
  it('sums exactly to the tenant rows, with products and customers before orders and items', () => {
    for (const rows of [1, 2, 3, 5, 10, 99, 1000, 123_457]) {
      const s = splitRows(rows);
      assert.equal(
        TENANT_TABLES.reduce((a, t) => a + s[t], 0),
        rows,
        `rows ${rows}`,
      );
      assert.ok(s.products >= 1);
      if (s.orders > 0) assert.ok(s.customers >= 1);
      if (s.order_items > 0) assert.ok(s.orders >= 1);
    }
  });
});

describe('dataset plan', () => {
  it('gives contiguous, unique ids per table and deterministic tenant uuids', () => {
    const p = planDataset({ seed: 3, tenants: 10, rows: 5000, sizes: { kind: 'zipf', s: 1 } });
    for (const t of TENANT_TABLES) {
      let next = 1;
      for (const tenant of p.tenants) {
        assert.equal(tenant.idStart[t], next);
        next += tenant.counts[t];
      }
      assert.equal(p.totals[t], next - 1);
    }
    assert.equal(p.tenants[0]!.id, tenantUuid(3, 0));
    assert.notEqual(tenantUuid(3, 0), tenantUuid(4, 0));
    assert.match(p.tenants[0]!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(planDataset({ seed: 3, tenants: 10, rows: 5000, sizes: { kind: 'zipf', s: 1 } }), p);
  });
});
