/**
 * Seeding: building the identical dataset under each layout, seconds per phase and rows per second.
 */
import type { Summary } from '../results/summary-schema.js';
import { barSpec } from './charts.js';
import { notMeasured, reasonFor } from './not-measured.js';
import { type Chart, layoutEntries, type Section, sectionOf, type Table } from './section.js';

export function seedSection(s: Summary): Section | null {
  const layouts = layoutEntries(s);
  const tables: Table[] = [];
  const seed: Table = {
    id: 'seed',
    title: 'Seeding',
    description:
      'Building the identical dataset under each layout: seconds per phase (wall clock) and rows per second over the whole seed.',
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'method', label: 'method' },
      { key: 'rows', label: 'rows', digits: 0 },
      { key: 'provision', label: 'provision', unit: 's', digits: 1 },
      { key: 'load', label: 'load', unit: 's', digits: 1 },
      { key: 'index', label: 'index', unit: 's', digits: 1 },
      { key: 'analyze', label: 'analyze', unit: 's', digits: 1 },
      { key: 'total', label: 'total', unit: 's', digits: 1 },
      { key: 'rowsPerSecond', label: 'throughput', unit: 'rows/s', digits: 0 },
    ],
    rows: [],
    notes: [],
  };
  for (const [name, l] of layouts) {
    if (!l.seed) {
      seed.notes.push(`${name}: ${l.status === 'ok' ? notMeasured('seeded by an earlier run') : reasonFor(l, 'not seeded')}`);
      continue;
    }
    seed.rows.push({
      layout: name,
      method: l.seed.copiedFrom ? `${l.seed.method} of ${l.seed.copiedFrom}` : l.seed.method,
      rows: l.rows,
      provision: l.seed.seconds.provision,
      load: l.seed.seconds.load,
      index: l.seed.seconds.index,
      analyze: l.seed.seconds.analyze,
      total: l.seed.seconds.total,
      rowsPerSecond: l.seed.rowsPerSecond,
    });
  }
  tables.push(seed);
  return sectionOf(tables);
}

/** Seeding time per phase and layout (listed with the charts after the tables, as before). */
export function seedTimeChart(s: Summary): Section | null {
  const layouts = layoutEntries(s);
  const charts: Chart[] = [];
  const seedPhases = layouts.flatMap(([name, l]) =>
    l.seed
      ? (['provision', 'load', 'index', 'analyze'] as const).map((phase) => ({ layout: name, phase, seconds: l.seed!.seconds[phase] }))
      : [],
  );
  if (seedPhases.length) {
    charts.push({
      id: 'seed-time',
      title: 'Seeding time per layout',
      spec: barSpec('Seeding time per layout (s)', seedPhases, 'seconds', 'phase', 'seconds', ['provision', 'load', 'index', 'analyze']),
    });
  }
  return sectionOf([], charts);
}
