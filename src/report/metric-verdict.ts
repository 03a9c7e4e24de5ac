/**
 * compare's verdict on one measured metric (neither side a bound): the change in percent of the
 * baseline, and whether it is a regression, an improvement, within the threshold (ok), or beyond
 * the threshold but within the repeats' noise.
 */
import type { MetricValue, Verdict } from './comparison-row.js';

export function metricVerdict(
  b: MetricValue,
  c: MetricValue,
  better: 'lower' | 'higher',
  thresholdPct: number,
): { changePct: number; verdict: Verdict; note: string } {
  // Positive change = worse, whichever direction is better.
  const raw = ((c.value - b.value) / b.value) * 100;
  const changePct = better === 'lower' ? raw : -raw;
  let verdict: Verdict = 'ok';
  let note = '';
  if (changePct > thresholdPct) {
    // With repeats, only a change beyond the spread counts: the worst baseline repeat must still beat the best current one.
    const separated = b.spread && c.spread ? (better === 'lower' ? c.spread.min > b.spread.max : c.spread.max < b.spread.min) : true;
    verdict = separated ? 'regression' : 'within noise';
    if (!separated) note = 'change exceeds the threshold but the repeats overlap';
  } else if (changePct < -thresholdPct) {
    verdict = 'improved';
  }
  return { changePct: raw, verdict, note };
}
