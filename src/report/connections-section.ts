/**
 * Connections: server connections each layout needs to serve every tenant at a given concurrency.
 */
import type { Summary } from '../results/summary-schema.js';
import { layoutEntries, type Section, sectionOf, type Table } from './section.js';

export function connectionsSection(s: Summary): Section | null {
  const layouts = layoutEntries(s);
  const tables: Table[] = [];
  const connected = layouts.filter(([, l]) => l.connections);
  if (connected.length) {
    tables.push({
      id: 'connections',
      title: 'Connections',
      description: 'Server connections each layout needs to serve every tenant at a given concurrency (from its router).',
      columns: [
        { key: 'layout', label: 'layout' },
        { key: 'concurrency', label: 'concurrency', digits: 0 },
        { key: 'peakOpen', label: 'peak open', digits: 0 },
        { key: 'opened', label: 'opened', digits: 0 },
        { key: 'closed', label: 'closed', digits: 0 },
        { key: 'waits', label: 'waits', digits: 0 },
      ],
      rows: connected.map(([name, l]) => ({ layout: name, ...l.connections! })),
      notes: [],
    });
  }
  return sectionOf(tables);
}
