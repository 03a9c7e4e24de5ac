/**
 * Sizes on disk: tables, indexes, TOAST, databases and catalog entries per layout.
 */
import type { Summary } from '../results/summary-schema.js';
import { barSpec } from './charts.js';
import { reasonFor } from './not-measured.js';
import { type Chart, layoutEntries, MB, type Section, sectionOf, type Table } from './section.js';

export function sizesSection(s: Summary): Section | null {
  const layouts = layoutEntries(s);
  const tables: Table[] = [];
  const sizes: Table = {
    id: 'sizes',
    title: 'Sizes',
    description:
      'Bytes on disk of the tenant tables, their indexes and TOAST, the databases, and the catalog entries (pg_class rows) each layout needs.',
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'tableMb', label: 'tables', unit: 'MB', digits: 1 },
      { key: 'indexMb', label: 'indexes', unit: 'MB', digits: 1 },
      { key: 'toastMb', label: 'TOAST', unit: 'MB', digits: 2 },
      { key: 'databaseMb', label: 'databases', unit: 'MB', digits: 1 },
      { key: 'databases', label: 'database count', digits: 0 },
      { key: 'relations', label: 'relations', digits: 0 },
    ],
    rows: [],
    notes: [],
  };
  for (const [name, l] of layouts) {
    if (!l.sizes) {
      sizes.notes.push(`${name}: ${reasonFor(l, 'sizes not collected')}`);
      continue;
    }
    sizes.rows.push({
      layout: name,
      tableMb: l.sizes.tableBytes / MB,
      indexMb: l.sizes.indexBytes / MB,
      toastMb: l.sizes.toastBytes / MB,
      databaseMb: l.sizes.databaseBytes / MB,
      databases: l.sizes.databases,
      relations: l.sizes.relations,
    });
  }
  if (layouts.some(([, l]) => l.migration)) {
    sizes.notes.push(
      "Measured after the migrations of this run (they add two columns, a constraint and an index), so index sizes include the migration's index.",
    );
  }
  tables.push(sizes);
  return sectionOf(tables);
}

/** Size on disk per part and layout (listed with the charts after the tables, as before). */
export function sizesChart(s: Summary): Section | null {
  const layouts = layoutEntries(s);
  const charts: Chart[] = [];
  const sizeParts = layouts.flatMap(([name, l]) =>
    l.sizes
      ? [
          { layout: name, part: 'tables', mb: l.sizes.tableBytes / MB },
          { layout: name, part: 'indexes', mb: l.sizes.indexBytes / MB },
          { layout: name, part: 'TOAST', mb: l.sizes.toastBytes / MB },
        ]
      : [],
  );
  if (sizeParts.length) {
    charts.push({
      id: 'sizes',
      title: 'Size on disk per layout',
      spec: barSpec('Size on disk per layout (MB)', sizeParts, 'mb', 'part', 'MB', ['tables', 'indexes', 'TOAST']),
    });
  }
  return sectionOf([], charts);
}
