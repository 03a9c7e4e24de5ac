/** Number wording shared by the verdicts: units always written out, thousands separated. */

const fixed = (x: number, digits: number) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Milliseconds with 2 decimals below 100 ms, 1 above: "11.20 ms", "355.1 ms". */
export const ms = (x: number): string => `${fixed(x, x < 100 ? 2 : 1)} ms`;

/** Seconds with 2 decimals below 10 s, 1 above: "0.13 s", "40.2 s". */
export const sec = (x: number): string => `${fixed(x, x < 10 ? 2 : 1)} s`;

/** A rate: "50 req/s", "12.5 req/s". */
export const perS = (x: number): string => `${fixed(x, Number.isInteger(x) ? 0 : 1)} req/s`;

/** A count: "1,796". */
export const count = (x: number): string => fixed(x, 0);

/** How many times a is b: "3.2x"; "1.0x" when equal. */
export const times = (a: number, b: number): string => `${fixed(a / b, a / b < 10 ? 1 : 0)}x`;

/** "a, b and c". */
export function listOf(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}
