import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossing, extrapolate, fitLinear } from './limit-crossing.js';

describe('limit crossing', () => {
  it('fits an exact line: slope, intercept, r2 = 1', () => {
    const fit = fitLinear([
      { tenants: 100, value: 12 },
      { tenants: 1000, value: 30 },
      { tenants: 3000, value: 70 },
    ])!;
    assert.ok(Math.abs(fit.slope - 0.02) < 1e-12);
    assert.ok(Math.abs(fit.intercept - 10) < 1e-9);
    assert.ok(Math.abs(fit.r2! - 1) < 1e-12);
    assert.ok(Math.abs(extrapolate(fit, 10_000) - 210) < 1e-9);
  });

  it('needs two distinct tenant counts; a flat line has no r2', () => {
    assert.equal(fitLinear([{ tenants: 10, value: 1 }]), null);
    assert.equal(
      fitLinear([
        { tenants: 10, value: 1 },
        { tenants: 10, value: 2 },
      ]),
      null,
    );
    assert.equal(
      fitLinear([
        { tenants: 10, value: 5 },
        { tenants: 20, value: 5 },
      ])!.r2,
      null,
    );
  });

  it('a step over the budget is a measured crossing, interpolated between the steps around it', () => {
    const c = crossing(
      [
        { tenants: 3000, value: 70 },
        { tenants: 1000, value: 30 },
        { tenants: 100, value: 12 },
      ],
      50,
    );
    assert.deepEqual(c, { kind: 'measured', tenants: 2000, below: 1000, above: 3000 });
  });

  it('the first step already over the budget: measured, at or below that step', () => {
    assert.deepEqual(
      crossing(
        [
          { tenants: 100, value: 9 },
          { tenants: 1000, value: 20 },
        ],
        5,
      ),
      {
        kind: 'measured',
        tenants: 100,
        below: null,
        above: 100,
      },
    );
  });

  it('no step over the budget: extrapolated from the fitted line, rounded up', () => {
    const c = crossing(
      [
        { tenants: 100, value: 12 },
        { tenants: 1000, value: 30 },
      ],
      100.01,
    );
    assert.equal(c.kind, 'extrapolated');
    assert.equal(c.tenants, 4501);
  });

  it('a flat or falling cost, or a single step, never reaches the budget', () => {
    const flat = crossing(
      [
        { tenants: 100, value: 3 },
        { tenants: 300, value: 2 },
      ],
      10,
    );
    assert.equal(flat.kind, 'not reached');
    assert.match(flat.kind === 'not reached' ? flat.reason : '', /does not grow/);
    const one = crossing([{ tenants: 100, value: 3 }], 10);
    assert.equal(one.kind === 'not reached' && one.fit, null);
  });
});
