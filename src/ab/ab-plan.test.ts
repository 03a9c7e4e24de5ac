import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abSlots, planWindows, randomOrderSeed } from './ab-plan.js';

describe('ab window plan', () => {
  it('pairs the same layouts, or one layout each; refuses other lists', () => {
    assert.deepEqual(
      abSlots(['shared', 'rls'], ['shared', 'rls'])?.map((s) => s.id),
      ['shared', 'rls'],
    );
    assert.deepEqual(abSlots(['shared'], ['rls']), [{ id: 'shared vs rls', a: 'shared', b: 'rls' }]);
    assert.equal(abSlots(['shared', 'rls'], ['rls']), null);
  });
  it('equal windows per side, each pair back to back, ABBA alternation, reproducible from the seed', () => {
    const slots = abSlots(['shared', 'rls', 'schema'], ['shared', 'rls', 'schema'])!;
    const plan = planWindows(slots, 6, 7);
    assert.equal(plan.filter((w) => w.side === 'A').length, 18);
    assert.equal(plan.filter((w) => w.side === 'B').length, 18);
    for (let i = 0; i < plan.length; i += 2) {
      assert.equal(plan[i]!.slot, plan[i + 1]!.slot);
      assert.equal(plan[i]!.pair, plan[i + 1]!.pair);
      assert.notEqual(plan[i]!.side, plan[i + 1]!.side);
    }
    const firstSide = (pair: number) => plan.find((w) => w.pair === pair)!.side;
    for (let p = 1; p < 6; p++) assert.notEqual(firstSide(p), firstSide(p - 1));
    assert.deepEqual(planWindows(slots, 6, 7), plan);
    // The slots are shuffled per pair: not always the same order.
    const orders = new Set(
      [0, 1, 2, 3, 4, 5].map((p) =>
        plan
          .filter((w) => w.pair === p && w.side === 'A')
          .map((w) => w.slot.id)
          .join(),
      ),
    );
    assert.ok(orders.size > 1);
  });
  it('the order seed picks the starting side: both occur over seeds, the same seed gives the same plan', () => {
    const slots = abSlots(['shared', 'rls'], ['shared', 'rls'])!;
    const starts = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const plan = planWindows(slots, 4, seed);
      starts.add(plan[0]!.side);
      assert.deepEqual(planWindows(slots, 4, seed), plan);
    }
    assert.deepEqual([...starts].sort(), ['A', 'B']);
    // Random per run: seeds are integers in range and not all the same.
    const seeds = Array.from({ length: 20 }, randomOrderSeed);
    assert.ok(seeds.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
    assert.ok(new Set(seeds).size > 1);
  });
});
