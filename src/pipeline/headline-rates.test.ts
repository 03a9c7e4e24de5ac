import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapacitySummary, LayoutCapacity } from '../results/capacity-schema.js';
import { combinedMix, headlineRates } from './headline-rates.js';

const cap = (kind: LayoutCapacity['capacity']['kind'], ratePerS: number | null): LayoutCapacity => ({
  status: 'ok',
  reason: null,
  capacity: { kind, ratePerS, firstMissPerS: null, label: String(ratePerS), reason: null },
  steps: [],
});

const summary = (layouts: Record<string, LayoutCapacity>) => ({ layouts }) as unknown as CapacitySummary;

describe('headline rates', () => {
  it('are the fractions of the slowest layout, so every rate is below every capacity', () => {
    const c = summary({ shared: cap('measured', 800), rls: cap('at-least', 1600), database: cap('measured', 200) });
    const r = headlineRates(c, [0.25, 0.5]);
    assert.deepEqual(r.lowest, { layout: 'database', ratePerS: 200, kind: 'measured' });
    assert.deepEqual(r.rates, [50, 100]);
    for (const l of Object.values(c.layouts)) for (const x of r.rates) assert.ok(x < l!.capacity.ratePerS!);
  });

  it('count a capacity "below X" as lower than a measured X', () => {
    const r = headlineRates(summary({ rls: cap('measured', 10), slow: cap('below', 10) }), [0.5]);
    assert.deepEqual(r.lowest, { layout: 'slow', ratePerS: 10, kind: 'below' });
  });

  it('leave out a layout without a measured capacity, and have none when no layout has one', () => {
    const r = headlineRates(summary({ shared: cap('not-measured', null), rls: cap('measured', 30) }), [0.25, 0.5]);
    assert.deepEqual(r.unmeasured, ['shared']);
    assert.deepEqual(r.rates, [7.5, 15]);
    assert.deepEqual(headlineRates(summary({ shared: cap('not-measured', null) }), [0.5]).rates, []);
    assert.equal(headlineRates(undefined, [0.5]).lowest, null);
  });
});

describe('the combined mix', () => {
  it('gives each query its share of the combined rate: the OLTP mix at its rate, the reports at theirs', () => {
    const { mix, totalPerS } = combinedMix({ 'recent-orders': 40, 'point-lookup': 30, 'create-order': 10 }, 80, {
      mix: { 'order-search': 1, 'order-report': 1 },
      ratePerS: 0.5,
    });
    assert.equal(totalPerS, 80.5);
    assert.deepEqual(mix, { 'recent-orders': 40, 'point-lookup': 30, 'create-order': 10, 'order-search': 0.25, 'order-report': 0.25 });
    assert.deepEqual(combinedMix({ 'point-lookup': 1 }, 10, null), { mix: { 'point-lookup': 10 }, totalPerS: 10 });
  });
});
