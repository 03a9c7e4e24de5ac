import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pairedVerdict, pairsToSettle } from './paired-verdict.js';
import { normalQuantile, tQuantile } from './t-quantile.js';

const o = { threshold: 0.1, confidence: 0.95 };
const pairs = (ratios: number[], a = 10) => ratios.map((r) => ({ a, b: a * r }));

describe('t and normal quantiles', () => {
  it('match the tables to 3 digits from df 5, roughly below', () => {
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.01) + 2.326348) < 1e-6);
    assert.ok(Math.abs(tQuantile(0.975, 5) - 2.571) < 0.005);
    assert.ok(Math.abs(tQuantile(0.975, 10) - 2.228) < 0.002);
    assert.ok(Math.abs(tQuantile(0.95, 30) - 1.697) < 0.002);
    assert.ok(Math.abs(tQuantile(0.975, 3) - 3.182) < 0.03);
  });
});

describe('paired verdict on log ratios B/A', () => {
  it('A = B: no measurable difference, ratio 1', () => {
    const v = pairedVerdict(pairs([1.02, 0.98, 1.01, 0.99, 1.0, 1.0]), 'higher', o);
    assert.equal(v.verdict, 'no measurable difference');
    assert.ok(v.lo! < 1 && v.hi! > 1);
  });
  it('latency 20% up with a tight interval: regression; throughput 20% down: regression', () => {
    const up = pairedVerdict(pairs([1.19, 1.21, 1.2, 1.22, 1.18, 1.2]), 'higher', o);
    assert.equal(up.verdict, 'regression');
    assert.ok(up.lo! > 1.1);
    assert.equal(pairedVerdict(pairs([0.8, 0.79, 0.81, 0.8, 0.8]), 'lower', o).verdict, 'regression');
    // The same ratios on a throughput are an improvement, on a latency a 20% drop is one.
    assert.equal(pairedVerdict(pairs([1.19, 1.21, 1.2, 1.22, 1.18, 1.2]), 'lower', o).verdict, 'improvement');
  });
  it('an interval across the threshold: inconclusive, with the pairs that would settle it', () => {
    const v = pairedVerdict(pairs([1.0, 1.4, 1.1, 1.3, 0.95, 1.35]), 'higher', o);
    assert.equal(v.verdict, 'inconclusive');
    assert.ok(v.pairsNeeded! > 6, `needs more than the 6 it had: ${v.pairsNeeded}`);
  });
  it('a measurable change below the threshold: within threshold', () => {
    assert.equal(pairedVerdict(pairs([1.05, 1.04, 1.05, 1.06, 1.05]), 'higher', o).verdict, 'within threshold');
  });
  it('fewer than 3 pairs with a value on both sides: cannot compare', () => {
    const v = pairedVerdict(
      [
        { a: 1, b: 1 },
        { a: null, b: 2 },
        { a: 3, b: null },
        { a: 2, b: 2 },
      ],
      'higher',
      o,
    );
    assert.equal(v.verdict, 'cannot compare');
    assert.equal(v.pairs, 2);
  });
  it('pairsToSettle: the smallest n whose half-width is below the gap', () => {
    const n = pairsToSettle(0.1, 0.2, 0.95, 3)!;
    assert.ok((tQuantile(0.975, n - 1) * 0.2) / Math.sqrt(n) < 0.1);
    assert.ok((tQuantile(0.975, n - 2) * 0.2) / Math.sqrt(n - 1) >= 0.1);
    assert.equal(pairsToSettle(0, 0.2, 0.95, 3), null);
  });
});
