import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDataset } from '../../seed/tenant-plan.js';
import { mulberry32 } from '../../seed/prng.js';
import { makeTenantChooser, tenantClasses } from './tenant-chooser.js';

const plan = planDataset({ seed: 1, tenants: 10, rows: 100_000, sizes: { kind: 'zipf', s: 1 } });

function counts(kind: Parameters<typeof makeTenantChooser>[0], n = 20_000): Map<string, number> {
  const choose = makeTenantChooser(kind, plan.tenants);
  const rnd = mulberry32(5);
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const t = choose(rnd).slug;
    out.set(t, (out.get(t) ?? 0) + 1);
  }
  return out;
}

describe('tenant choice', () => {
  it('uniform gives every tenant about the same share', () => {
    for (const c of counts({ kind: 'uniform' }).values()) assert.ok(c > 1600 && c < 2400, String(c));
  });
  it('weighted follows the tenant sizes', () => {
    const c = counts({ kind: 'weighted' });
    const big = plan.tenants[0]!;
    const expected = (big.rows / plan.rows) * 20_000;
    assert.ok(Math.abs(c.get(big.slug)! - expected) < expected * 0.1, `${c.get(big.slug)} vs ${expected}`);
    assert.ok(c.get('t0001')! > c.get('t0010')! * 5);
  });
  it('hot sends the share to the chosen tenant', () => {
    const c = counts({ kind: 'hot', share: 0.8, tenant: 't0003' });
    assert.ok(Math.abs(c.get('t0003')! - 16_000) < 600, String(c.get('t0003')));
  });
  it('splits large and small tenants at half the rows', () => {
    const cls = tenantClasses(plan.tenants);
    assert.equal(cls.get('t0001'), 'large');
    assert.equal(cls.get('t0010'), 'small');
    const largeRows = plan.tenants.filter((t) => cls.get(t.slug) === 'large').reduce((a, t) => a + t.rows, 0);
    assert.ok(largeRows >= plan.rows / 2);
  });
});
