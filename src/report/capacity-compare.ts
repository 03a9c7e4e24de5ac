/**
 * compare's capacity metric. A capacity is a number only when the sweep found a pass below a miss;
 * "≥ X" (nothing missed) and "below X" (the first rate missed) are bounds, compared as the
 * intervals they are: a regression only when even the best case of the current run is worse than
 * the worst case of the baseline by more than the threshold.
 */
import type { LayoutName } from '../config/scenario-schema.js';
import type { ComparisonRow, MetricDef, MetricValue } from './comparison-row.js';

export const CAPACITY_METRIC: MetricDef = {
  id: 'capacity',
  label: 'capacity at the P99 target',
  unit: 'req/s',
  threshold: 'capacity',
  better: 'higher',
  value: (r, l) => {
    const c = r.summary.capacity?.layouts[l]?.capacity;
    if (!c || c.ratePerS === null || c.kind === 'not-measured') return null;
    return c.kind === 'measured' ? { value: c.ratePerS } : { value: c.ratePerS, bound: c.kind };
  },
};

/** [lowest, highest] the true capacity can be. */
function interval(v: MetricValue): [number, number] {
  if (v.bound === 'at-least') return [v.value, Infinity];
  if (v.bound === 'below') return [0, v.value];
  return [v.value, v.value];
}

const show = (v: MetricValue) => `${v.bound === 'at-least' ? '≥ ' : v.bound === 'below' ? 'below ' : ''}${v.value}`;

/** A row for a higher-is-better metric where either side is a bound, not a measured number. */
export function compareBounded(layout: LayoutName, m: MetricDef, b: MetricValue, c: MetricValue, thresholdPct: number): ComparisonRow {
  const [bLo, bHi] = interval(b);
  const [cLo, cHi] = interval(c);
  const t = thresholdPct / 100;
  const row = { layout, metric: m.label, unit: m.unit, baseline: b.value, current: c.value, changePct: null, thresholdPct };
  const both = `baseline ${show(b)}, current ${show(c)} ${m.unit}`;
  // Strictly below a bound ("below X") is below X, so reaching it counts as beyond.
  const certainlyWorse = c.bound === 'below' ? cHi <= bLo * (1 - t) : cHi < bLo * (1 - t);
  if (certainlyWorse) return { ...row, verdict: 'regression', note: `${both}: worse by more than ${thresholdPct}% even at the bounds` };
  if (cLo > bHi * (1 + t)) return { ...row, verdict: 'improved', note: `${both}: better by more than ${thresholdPct}% even at the bounds` };
  return {
    ...row,
    verdict: 'not comparable',
    note: `${both}: a bound, not a measured number; no change beyond ${thresholdPct}% can be established`,
  };
}
