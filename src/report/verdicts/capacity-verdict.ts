/**
 * Each layout's capacity (the highest offered rate whose P99 met the target in the rate sweep) and
 * what bounds it: the target missed at the next rate (and how), the sweep's highest rate, or a load
 * generator that could not keep up (an invalid step is never the layout's limit).
 */
import type { LayoutCapacity } from '../../results/capacity-schema.js';
import type { Summary } from '../../results/summary-schema.js';
import { notMeasured } from '../not-measured.js';
import { perS } from './verdict-format.js';

function boundOf(l: LayoutCapacity): string {
  const c = l.capacity;
  const missAt = (rate: number | null) => l.steps.find((st) => st.meets === false && (rate === null || st.ratePerS === rate));
  const invalid = l.steps.filter((st) => !st.valid);
  const limited = invalid.filter((st) => st.generatorLimited);
  const inv = invalid.length
    ? `; ${invalid.length} step(s) invalid, not counted${limited.length ? ` (generator-limited at ${[...new Set(limited.map((st) => perS(st.ratePerS)))].join(', ')})` : ''}`
    : '';
  switch (c.kind) {
    case 'measured': {
      const miss = missAt(c.firstMissPerS);
      return `bounded by the P99 target: at ${perS(c.firstMissPerS ?? 0)} it missed${miss?.misses.length ? ` (${miss.misses.join('; ')})` : ''}${inv}`;
    }
    case 'at-least':
      return `a lower bound: ${c.reason ?? 'every valid rate met the target up to it and no higher rate was measured validly'}${inv}`;
    case 'below': {
      const miss = missAt(c.ratePerS);
      return `an upper bound: the first rate already missed${miss?.misses.length ? ` (${miss.misses.join('; ')})` : ''}${inv}`;
    }
    default:
      return `${c.reason ?? 'no valid step'}${inv}`;
  }
}

export function capacityVerdict(s: Summary): string | null {
  const c = s.capacity;
  if (!c) return notMeasured('no rate sweep in this run (headline: or rateSweep: in the scenario)');
  const entries = Object.keys(s.layouts).flatMap((n) => {
    const l = c.layouts[n as keyof typeof c.layouts];
    return l ? [[n, l] as const] : [];
  });
  if (!entries.length) return notMeasured('the rate sweep measured no layout');
  const each = entries.map(([n, l]) =>
    l.capacity.kind === 'not-measured' ? `${n} ${notMeasured(boundOf(l))}` : `${n} ${l.capacity.label}: ${boundOf(l)}`,
  );
  const lowest = s.headline?.lowest;
  const lowestLabel = lowest && (c.layouts[lowest.layout]?.capacity.label ?? perS(lowest.ratePerS));
  return (
    `Capacity at P99 ≤ ${c.config.p99TargetMs} ms (open loop, ${c.config.arrival}, ${c.config.stepSeconds} s per step): ${each.join('. ')}.` +
    (lowest ? ` The lowest, ${lowestLabel} (${lowest.layout}), sets the headline rates: fractions of ${perS(lowest.ratePerS)}.` : '')
  );
}
