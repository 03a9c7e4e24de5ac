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
