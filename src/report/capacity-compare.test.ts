/**
 * Capacity bounds ("≥ X": nothing missed; "below X": the first rate missed) compared as intervals:
 * a regression or an improvement only when it holds even at the bounds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedResults } from './load-results.js';
import { CAPACITY_METRIC, compareBounded } from './capacity-compare.js';

const atLeast = (value: number) => ({ value, bound: 'at-least' as const });
const below = (value: number) => ({ value, bound: 'below' as const });
const row = (b: Parameters<typeof compareBounded>[2], c: Parameters<typeof compareBounded>[3], pct = 10) =>
  compareBounded('rls', CAPACITY_METRIC, b, c, pct);

describe('compareBounded', () => {
  it('current below what the baseline reached, by more than the threshold: regression even at the bounds', () => {
    const r = row(atLeast(1000), below(800));
    assert.equal(r.verdict, 'regression');
    assert.deepEqual(
      [r.layout, r.metric, r.unit, r.baseline, r.current, r.changePct, r.thresholdPct],
      ['rls', 'capacity at the P99 target', 'req/s', 1000, 800, null, 10],
    );
    assert.equal(r.note, 'baseline ≥ 1000, current below 800 req/s: worse by more than 10% even at the bounds');
    assert.equal(row({ value: 1000 }, { value: 800 }).verdict, 'regression', 'measured numbers are intervals of one point');
  });

  it('"below X" counts reaching X as beyond; a measured value exactly at the limit does not', () => {
    assert.equal(row(atLeast(1000), below(900)).verdict, 'regression', 'below 900 is < 900');
    assert.equal(row(atLeast(1000), { value: 900 }).verdict, 'not comparable', 'exactly 900 is within 10%');
  });

  it('current above what the baseline could have been, by more than the threshold: improved', () => {
    const r = row(below(500), atLeast(600));
    assert.equal(r.verdict, 'improved');
    assert.equal(r.note, 'baseline below 500, current ≥ 600 req/s: better by more than 10% even at the bounds');
    assert.equal(row(below(500), atLeast(550)).verdict, 'not comparable', 'exactly 10% is not more');
    assert.equal(row({ value: 500 }, { value: 551 }).verdict, 'improved');
  });

  it('overlapping intervals: not comparable, saying why', () => {
    const r = row(atLeast(1000), atLeast(2000));
    assert.equal(r.verdict, 'not comparable');
    assert.equal(r.note, 'baseline ≥ 1000, current ≥ 2000 req/s: a bound, not a measured number; no change beyond 10% can be established');
    assert.equal(row(below(1000), below(500)).verdict, 'not comparable');
    assert.equal(row({ value: 1000 }, atLeast(950)).verdict, 'not comparable');
  });
});

describe('CAPACITY_METRIC', () => {
  const results = (capacity: unknown) => ({ summary: { capacity: { layouts: { rls: { capacity } } } } }) as unknown as LoadedResults;
  it('a measured capacity is a number, a bound keeps its kind, anything else is not measured', () => {
    assert.deepEqual(CAPACITY_METRIC.value(results({ kind: 'measured', ratePerS: 700 }), 'rls'), { value: 700 });
    assert.deepEqual(CAPACITY_METRIC.value(results({ kind: 'at-least', ratePerS: 900 }), 'rls'), { value: 900, bound: 'at-least' });
    assert.deepEqual(CAPACITY_METRIC.value(results({ kind: 'below', ratePerS: 100 }), 'rls'), { value: 100, bound: 'below' });
    assert.equal(CAPACITY_METRIC.value(results({ kind: 'not-measured', ratePerS: 5 }), 'rls'), null);
    assert.equal(CAPACITY_METRIC.value(results({ kind: 'measured', ratePerS: null }), 'rls'), null);
    assert.equal(CAPACITY_METRIC.value(results(undefined), 'rls'), null);
    assert.equal(CAPACITY_METRIC.value({ summary: {} } as unknown as LoadedResults, 'rls'), null);
    assert.equal(CAPACITY_METRIC.better, 'higher');
  });
});
