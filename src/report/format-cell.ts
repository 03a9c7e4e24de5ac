import { NOT_MEASURED } from './not-measured.js';
import type { Cell, Column } from './section.js';

/** One formatting rule for every rendering: numbers with the column's decimals, text as is. */
export function formatCell(v: Cell, c: Column): string {
  if (v === null || v === undefined) return NOT_MEASURED;
  if (typeof v === 'number') {
    const digits = c.digits ?? 2;
    return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  return v;
}

export function header(c: Column): string {
  return c.unit ? `${c.label} (${c.unit})` : c.label;
}

const num = (v: number, digits: number) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const signed = (pct: number) => `${pct > 0 ? '+' : ''}${pct.toFixed(1)}%`;

/** A value with its confidence interval, "12.30 [11.80, 13.10]"; the value alone without one; NOT_MEASURED for null. */
export function formatInterval(value: number | null, ci: { loMs: number; hiMs: number } | null | undefined, digits = 2): string {
  if (value === null) return NOT_MEASURED;
  return ci ? `${num(value, digits)} [${num(ci.loMs, digits)}, ${num(ci.hiMs, digits)}]` : num(value, digits);
}

/** A change in % with its interval, "+12.0% [+3.1%, +21.5%]"; the change alone without one. */
export function formatChangeInterval(changePct: number, interval?: readonly [number, number] | null): string {
  return interval ? `${signed(changePct)} [${signed(interval[0])}, ${signed(interval[1])}]` : signed(changePct);
}

/**
 * A ratio to the baseline as a change: "+12.0% [+3.1%, +21.5%]", or "no measurable difference
 * (+1.2% [-3.0%, +5.6%])" when the 95% interval contains no change.
 */
export function formatRatio(r: { ratio: number; lo: number; hi: number } | null): string {
  if (!r) return NOT_MEASURED;
  const text = formatChangeInterval((r.ratio - 1) * 100, [(r.lo - 1) * 100, (r.hi - 1) * 100]);
  return r.lo <= 1 && 1 <= r.hi ? `no measurable difference (${text})` : text;
}

/** An interval alone, "[11.80, 13.10]"; NOT_MEASURED without one. */
export function formatBounds(ci: { loMs: number; hiMs: number } | null | undefined, digits = 2): string {
  return ci ? `[${num(ci.loMs, digits)}, ${num(ci.hiMs, digits)}]` : NOT_MEASURED;
}
