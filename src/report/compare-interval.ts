/**
 * compare's verdict for a metric both runs measured with a confidence interval: the change is a
 * regression only when its whole 95% interval lies beyond the threshold, an improvement only when
 * it lies beyond it the other way; a change past the threshold whose interval still reaches back
 * inside it is "within noise". Runs without intervals (older bundles) keep the repeats' spread rule.
 */
import { ratioInterval } from '../measure/bootstrap.js';
import type { MetricDef, MetricValue, Verdict } from './comparison-row.js';

export interface IntervalVerdict {
  verdict: Verdict;
  note: string;
  /** 95% interval of the raw change (current / baseline - 1), in %. */
  changeInterval: [number, number];
}

/** Null when either side has no interval (then the caller falls back to the spread rule). */
export function intervalVerdict(m: MetricDef, b: MetricValue, c: MetricValue, thresholdPct: number): IntervalVerdict | null {
  if (b.logSe === undefined || c.logSe === undefined) return null;
  const r = ratioInterval({ value: c.value, logSe: c.logSe }, { value: b.value, logSe: b.logSe });
  if (!r) return null;
  const changeInterval: [number, number] = [(r.lo - 1) * 100, (r.hi - 1) * 100];
  // Worse is positive whichever direction is better.
  const [worseLo, worseHi] = m.better === 'lower' ? changeInterval : [-changeInterval[1], -changeInterval[0]];
  const worse = m.better === 'lower' ? (r.ratio - 1) * 100 : (1 - r.ratio) * 100;
  if (worseLo > thresholdPct) return { verdict: 'regression', note: `the whole 95% interval is beyond ${thresholdPct}%`, changeInterval };
  if (worseHi < -thresholdPct) return { verdict: 'improved', note: '', changeInterval };
  if (Math.abs(worse) > thresholdPct) {
    return { verdict: 'within noise', note: `change beyond ${thresholdPct}% but its 95% interval reaches inside it`, changeInterval };
  }
  return { verdict: 'ok', note: '', changeInterval };
}
