/**
 * The HTTP level: a tenant-aware HTTP service driven by autocannon, end-to-end latency next to the database-level figures.
 */
import type { Summary } from '../results/summary-schema.js';
import { type Section, sectionOf, type Table } from './section.js';
import { workloadLayouts } from './workload-section.js';

export function httpSection(s: Summary): Section | null {
  const tables: Table[] = [];
  const http = workloadLayouts(s).filter(([, w]) => w?.http);
  if (http.length) {
    tables.push({
      id: 'http',
      title: 'HTTP level',
      description:
        "A tenant-aware HTTP service (tenant from a header, answered through the layout's router) driven by autocannon on loopback: end-to-end latency next to the database-level figures.",
      columns: [
        { key: 'layout', label: 'layout' },
        { key: 'p50', label: 'HTTP P50', unit: 'ms', digits: 1 },
        { key: 'p99', label: 'HTTP P99', unit: 'ms', digits: 1 },
        { key: 'dbP50', label: 'database P50 (all queries)', unit: 'ms', digits: 2 },
        { key: 'dbP99', label: 'database P99 (all queries)', unit: 'ms', digits: 2 },
      ],
      rows: http.map(([name, w]) => ({
        layout: name,
        p50: w!.http!.p50Ms,
        p99: w!.http!.p99Ms,
        dbP50: w!.all?.p50Ms ?? null,
        dbP99: w!.all?.p99Ms ?? null,
      })),
      notes: ['autocannon reports latency with 1 ms resolution.'],
    });
  }
  return sectionOf(tables);
}
