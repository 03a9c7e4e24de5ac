/**
 * Moving a tenant out: one tenant copied out of the pooled tables into its own schema or database, verified by checksum.
 */
import type { Summary } from '../results/summary-schema.js';
import { layoutEntries, type Section, sectionOf, type Table } from './section.js';

export function extractionSection(s: Summary): Section | null {
  const layouts = layoutEntries(s);
  const tables: Table[] = [];
  const moves = layouts.flatMap(([name, l]) => (l.extraction?.moves ?? []).map((m) => ({ layout: name, m })));
  if (moves.length) {
    tables.push({
      id: 'extraction',
      title: 'Moving a tenant out',
      description: 'Copying one tenant out of the pooled tables into its own schema or database, verified by checksum.',
      columns: [
        { key: 'layout', label: 'from layout' },
        { key: 'tenant', label: 'tenant' },
        { key: 'to', label: 'to' },
        { key: 'rows', label: 'rows', digits: 0 },
        { key: 'total', label: 'total', unit: 's', digits: 2 },
        { key: 'status', label: 'status' },
      ],
      rows: moves.map(({ layout, m }) => ({
        layout,
        tenant: m.tenant,
        to: m.to,
        rows: m.rows,
        total: m.seconds.total,
        status: m.status === 'ok' ? `ok (checksum ${m.checksumMoved})` : `FAILED: ${m.error}`,
      })),
      notes: [],
    });
  }
  return sectionOf(tables);
}
