/** The shapes compare works with: a metric, its value in one run, and a row of the comparison. */
import type { LayoutName } from '../config/scenario-schema.js';
import type { LoadedResults } from './load-results.js';

export interface MetricValue {
  value: number;
  /** Range over repeats, when the run had several. */
  spread?: { min: number; max: number };
  /** The value is a bound, not a measurement: the true one is at least it, or below it. */
  bound?: 'at-least' | 'below';
  /** The value's bootstrap spread (sd of ln replicate): set when the run recorded confidence intervals. */
  logSe?: number;
}

export interface MetricDef {
  id: string;
  label: string;
  unit: string;
  /** Which threshold (--max-regression key) applies. */
  threshold: string;
  better: 'lower' | 'higher';
  /** One value per layout, or null when the run did not measure it. */
  value(r: LoadedResults, layout: LayoutName): MetricValue | null;
}

export type Verdict = 'ok' | 'regression' | 'improved' | 'within noise' | 'not comparable';

export interface ComparisonRow {
  layout: LayoutName;
  metric: string;
  unit: string;
  baseline: number | null;
  current: number | null;
  changePct: number | null;
  /** 95% interval of changePct (%), when both runs recorded confidence intervals. */
  changeInterval?: [number, number];
  thresholdPct: number;
  verdict: Verdict;
  note: string;
}
