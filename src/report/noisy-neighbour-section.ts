/**
 * Noisy neighbour: the other tenants' latency while one large tenant runs heavy queries, quiet against noisy.
 */
import type { Summary } from '../results/summary-schema.js';
import { barSpec } from './charts.js';
import { type Chart, type Section, sectionOf, type Table } from './section.js';
import { workloadLayouts } from './workload-section.js';

export function noisyNeighbourSection(s: Summary): Section | null {
  const tables: Table[] = [];
  const charts: Chart[] = [];
  const noisy = workloadLayouts(s).filter(([, w]) => w?.noisyNeighbour);
  if (noisy.length) {
    tables.push({
      id: 'noisy-neighbour',
      title: 'Noisy neighbour',
      description: "The other tenants' latency while one large tenant runs heavy queries, against the same tenants without it.",
      columns: [
        { key: 'layout', label: 'layout' },
        { key: 'quietP50', label: 'quiet P50', unit: 'ms', digits: 2 },
        { key: 'quietP99', label: 'quiet P99', unit: 'ms', digits: 2 },
        { key: 'noisyP50', label: 'noisy P50', unit: 'ms', digits: 2 },
        { key: 'noisyP99', label: 'noisy P99', unit: 'ms', digits: 2 },
        { key: 'ratio', label: 'P99 noisy / quiet', digits: 2 },
      ],
      rows: noisy.map(([name, w]) => {
        const n = w!.noisyNeighbour!;
        return {
          layout: name,
          quietP50: n.quiet.p50Ms,
          quietP99: n.quiet.p99Ms,
          noisyP50: n.noisy.p50Ms,
          noisyP99: n.noisy.p99Ms,
          ratio: n.p99Ratio,
        };
      }),
      notes: [],
    });
    charts.push({
      id: 'noisy-neighbour',
      title: "Noisy neighbour: other tenants' P99",
      spec: barSpec(
        "Other tenants' P99 quiet and noisy (ms)",
        noisy.flatMap(([name, w]) => [
          { layout: name, load: 'quiet', ms: w!.noisyNeighbour!.quiet.p99Ms },
          {
            layout: name,
            load: 'noisy (extra)',
            ms: Math.max(0, (w!.noisyNeighbour!.noisy.p99Ms ?? 0) - (w!.noisyNeighbour!.quiet.p99Ms ?? 0)),
          },
        ]),
        'ms',
        'load',
        'ms',
        ['quiet', 'noisy (extra)'],
      ),
    });
  }
  return sectionOf(tables, charts);
}
