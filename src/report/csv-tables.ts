import { stringify } from 'csv-stringify/sync';
import type { Table } from './section.js';

/** One CSV per table: raw numbers (no thousands separators), units in the header. */
export function tableCsv(t: Table): string {
  const head = t.columns.map((c) => (c.unit ? `${c.key}_${c.unit.replace(/\//g, '_per_')}` : c.key));
  const rows = t.rows.map((r) => t.columns.map((c) => r[c.key] ?? ''));
  return stringify([head, ...rows]);
}
