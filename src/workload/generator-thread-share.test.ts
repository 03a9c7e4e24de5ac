import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { owns, shareOf, stridedIds } from './generator-thread-share.js';

describe('generator thread shares', () => {
  it('deal every item to exactly one thread, the counts adding up', () => {
    for (const count of [1, 2, 3, 7]) {
      for (const total of [0, 1, 5, 8, 50]) {
        const shares = Array.from({ length: count }, (_, index) => ({ index, count }));
        assert.equal(
          shares.reduce((a, s) => a + shareOf(total, s), 0),
          total,
        );
        for (let i = 0; i < total; i++) assert.equal(shares.filter((s) => owns(s, i)).length, 1);
        for (const s of shares)
          assert.equal(shareOf(total, s), Array.from({ length: total }, (_, i) => i).filter((i) => owns(s, i)).length);
      }
    }
  });

  it('hand out ids above the base that no other thread hands out', () => {
    const base = { orders: 100, order_items: 7 };
    const seen = new Set<number>();
    for (let index = 0; index < 3; index++) {
      const ids = stridedIds(base, { index, count: 3 });
      for (let k = 0; k < 50; k++) {
        const id = ids.next('orders');
        assert.ok(id > 100);
        assert.ok(!seen.has(id), `id ${id} twice`);
        seen.add(id);
      }
    }
    // One thread: the allocator's own sequence, base + 1, base + 2, ...
    const one = stridedIds(base, { index: 0, count: 1 });
    assert.deepEqual([one.next('order_items'), one.next('order_items')], [8, 9]);
  });
});
