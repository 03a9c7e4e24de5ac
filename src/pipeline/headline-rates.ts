import type { LayoutName } from '../config/scenario-schema.js';
import type { CapacitySummary, LayoutCapacity } from '../results/capacity-schema.js';
import type { HeadlineSummary } from '../results/headline-schema.js';

/**
 * The headline's offered rates: `fractions` of the lowest capacity the calibration found. A layout
 * whose capacity was not measured is left out of the minimum (the headline says so); a capacity
 * "below X" (its lowest rate already missed) counts as X, an upper bound: its kind is recorded and
 * the report says the headline may then not be below that layout's capacity (lower the calibration's
 * first rate). Rates under 10/s keep two significant digits, above that whole requests/s.
 */
export function headlineRates(
  capacity: CapacitySummary | undefined,
  fractions: readonly number[],
): { lowest: HeadlineSummary['lowest']; rates: number[]; unmeasured: LayoutName[] } {
  const unmeasured: LayoutName[] = [];
  let lowest: HeadlineSummary['lowest'] = null;
  for (const [layout, l] of Object.entries(capacity?.layouts ?? {}) as [LayoutName, LayoutCapacity][]) {
    const c = l.capacity;
    if (c.ratePerS === null || c.kind === 'not-measured') {
      unmeasured.push(layout);
      continue;
    }
    // "below X" is under any capacity of X measured or bounded from below: it wins a tie.
    const lower =
      !lowest || c.ratePerS < lowest.ratePerS || (c.ratePerS === lowest.ratePerS && c.kind === 'below' && lowest.kind !== 'below');
    if (lower) lowest = { layout, ratePerS: c.ratePerS, kind: c.kind };
  }
  const round = (x: number) => (x >= 10 ? Math.round(x) : Number(x.toPrecision(2)));
  return { lowest, rates: lowest ? fractions.map((f) => round(f * lowest!.ratePerS)) : [], unmeasured };
}

/**
 * One open-loop stream carrying the tenant-facing mix at `ratePerS` and the reports at `reportsPerS`:
 * each query's weight is its share of the combined rate (independent Poisson streams per query sum
 * to one Poisson stream of the total rate, so this is the same load as two generators side by side).
 */
export function combinedMix(
  oltp: Readonly<Record<string, number>>,
  ratePerS: number,
  reports: { mix: Readonly<Record<string, number>>; ratePerS: number } | null,
): { mix: Record<string, number>; totalPerS: number } {
  const mix: Record<string, number> = {};
  const add = (m: Readonly<Record<string, number>>, rate: number) => {
    const sum = Object.values(m).reduce((a, b) => a + b, 0);
    for (const [q, wt] of Object.entries(m)) if (wt > 0) mix[q] = (mix[q] ?? 0) + (wt / sum) * rate;
  };
  add(oltp, ratePerS);
  if (reports) add(reports.mix, reports.ratePerS);
  return { mix, totalPerS: ratePerS + (reports?.ratePerS ?? 0) };
}
