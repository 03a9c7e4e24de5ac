import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intervalVerdict } from './compare-interval.js';
import type { MetricDef } from './comparison-row.js';

const P99: MetricDef = { id: 'p99-all', label: 'P99', unit: 'ms', threshold: 'p99', better: 'lower', value: () => null };
const TPUT: MetricDef = { ...P99, id: 't', better: 'higher' };

describe('compare with confidence intervals', () => {
  it('a noisy 30% change whose interval reaches inside the threshold is within noise, not a regression', () => {
    const v = intervalVerdict(P99, { value: 100, logSe: 0.15 }, { value: 130, logSe: 0.15 }, 10)!;
    assert.equal(v.verdict, 'within noise');
    assert.ok(v.changeInterval[0] < 10 && v.changeInterval[1] > 30, JSON.stringify(v));
  });

  it('a clear 30% change (narrow intervals) is a regression', () => {
    const v = intervalVerdict(P99, { value: 100, logSe: 0.02 }, { value: 130, logSe: 0.02 }, 10)!;
    assert.equal(v.verdict, 'regression');
    assert.ok(v.changeInterval[0] > 10);
  });

  it('a small change is ok; a clear improvement is improved; higher-is-better turns the sign', () => {
    assert.equal(intervalVerdict(P99, { value: 100, logSe: 0.02 }, { value: 103, logSe: 0.02 }, 10)!.verdict, 'ok');
    assert.equal(intervalVerdict(P99, { value: 100, logSe: 0.02 }, { value: 70, logSe: 0.02 }, 10)!.verdict, 'improved');
    assert.equal(intervalVerdict(TPUT, { value: 100, logSe: 0.02 }, { value: 70, logSe: 0.02 }, 10)!.verdict, 'regression');
  });

  it('without an interval on either side (older bundles) it gives way to the spread rule', () => {
    assert.equal(intervalVerdict(P99, { value: 100 }, { value: 130, logSe: 0.02 }, 10), null);
  });
});
