/**
 * A layout's P50 or P99 against the `shared` baseline's, with the 95% interval of the ratio
 * (measure/bootstrap.ts ratioInterval: the two layouts' bootstrap spreads combined on the log
 * scale). For the per-query table and the headline.
 */
import type { LayoutName } from '../config/scenario-schema.js';
import { ratioInterval } from '../measure/bootstrap.js';
import type { RatioInterval } from '../measure/bootstrap.js';
import type { QueryResult } from '../results/workload-schema.js';
import type { Summary } from '../results/summary-schema.js';

export const BASELINE_LAYOUT: LayoutName = 'shared';
/** The key of the whole mix in a per-query lookup. */
export const ALL_QUERIES = '(all queries)';

function resultOf(s: Summary, layout: LayoutName, query: string): QueryResult | null | undefined {
  const w = s.workload?.layouts[layout];
  return query === ALL_QUERIES ? w?.all : w?.queries[query];
}

/** The percentile's value and bootstrap spread, when the run recorded an interval for it. */
export function withSpread(r: QueryResult | null | undefined, p: 'p50Ms' | 'p99Ms') {
  const ci = r?.intervals?.[p];
  const value = r?.[p];
  return ci && value !== null && value !== undefined && r?.valid ? { value, logSe: ci.logSe } : null;
}

/** layout / shared for one query's percentile; null when either has no interval (or is the baseline itself). */
export function ratioToBaseline(s: Summary, layout: LayoutName, query: string, p: 'p50Ms' | 'p99Ms'): RatioInterval | null {
  if (layout === BASELINE_LAYOUT) return null;
  return ratioInterval(withSpread(resultOf(s, layout, query), p), withSpread(resultOf(s, BASELINE_LAYOUT, query), p));
}
