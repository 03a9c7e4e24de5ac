/**
 * The headline's other tables: the reports that ran beside it at a low fixed rate (reported apart
 * from the tenant-facing join of the main table) and the tenant-facing queries at every headline
 * rate. From summary.headline only.
 */
import type { Summary } from '../results/summary-schema.js';
import { latencyCell, referenceCells } from './headline-cells.js';
import { sectionOf } from './section.js';
import type { Cell, Section, Table } from './section.js';

const REFERENCE_COLUMNS = [
  { key: 'pgP50', label: 'pgbench P50', unit: 'ms', digits: 2 },
  { key: 'pgP99', label: 'pgbench P99', unit: 'ms', digits: 2 },
  { key: 'p50Ratio', label: 'P50 tenantbench / pgbench' },
  { key: 'p99Ratio', label: 'P99 tenantbench / pgbench' },
];

/** Whether any headline rate has a pgbench reference (headline.reference). */
function hasReference(s: Summary): boolean {
  return !!s.headline?.rates.some((r) => Object.values(r.workload.layouts).some((l) => l.reference));
}

function queryTable(
  s: Summary,
  id: string,
  title: string,
  description: string,
  queries: (r: number) => readonly string[],
  reference = false,
): Table {
  const h = s.headline!;
  const t: Table = {
    id,
    title,
    description,
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'rate', label: 'headline rate', unit: 'req/s', digits: 0 },
      { key: 'query', label: 'query' },
      { key: 'offered', label: 'offered', unit: 'req/s', digits: 2 },
      { key: 'achieved', label: 'achieved', unit: 'req/s', digits: 2 },
      { key: 'count', label: 'requests', digits: 0 },
      { key: 'p50', label: 'P50', unit: 'ms', digits: 2 },
      { key: 'p99', label: 'P99', unit: 'ms', digits: 2 },
      ...(reference ? REFERENCE_COLUMNS : []),
    ],
    rows: [],
    notes: [],
  };
  for (const layout of Object.keys(s.layouts)) {
    for (const [i, r] of h.rates.entries()) {
      const lw = r.workload.layouts[layout as keyof typeof r.workload.layouts];
      for (const query of queries(i)) {
        const q = lw?.queries[query];
        t.rows.push({
          layout,
          rate: r.ratePerS,
          query,
          offered: q?.offeredPerS ?? null,
          achieved: q?.throughputPerS ?? null,
          count: q?.count ?? null,
          p50: latencyCell(lw, query, 'p50Ms') as Cell,
          p99: latencyCell(lw, query, 'p99Ms') as Cell,
          ...(reference ? referenceCells(lw, query) : {}),
        });
      }
    }
  }
  return t;
}

export function headlineSection(s: Summary): Section | null {
  const h = s.headline;
  if (!h?.rates.length) return null;
  const reference = hasReference(s);
  const main = queryTable(
    s,
    'headline',
    'Tenant-facing queries at equal load',
    `Every layout at the same offered rates, open loop (Poisson), below the lowest capacity: ${h.fractions.map((f) => `${f * 100}%`).join(' and ')} of ${h.lowest?.ratePerS}/s (${h.lowest?.layout}). Response time from the intended start.` +
      (reference
        ? " pgbench: the same SQL (BEGIN, the tenant's context, the query, COMMIT) driven by pgbench at that query's offered rate in the headline stream (--rate, Poisson, latency from the scheduled start), the other queries not sent, with the same connections, warm-up and window, once, right after the layout's last window at that rate. Ratio above 1: tenantbench's own cost (and the rest of the mix on the server) is in its figure."
        : ''),
    () => h.oltpQueries,
    reference,
  );
  const tables: Table[] = [main];
  if (h.reportQueries.length) {
    const reports = queryTable(
      s,
      'headline-reports',
      'Reports beside the headline',
      `${h.reportQueries.join(', ')} at ${h.rates[0]!.reportsPerS} req/s in all, in the same open-loop stream as the headline: analytic queries a tenant runs now and then, reported apart from the tenant-facing ones.`,
      () => h.reportQueries,
    );
    reports.notes.push('Few requests per window: their P99 is close to their maximum; read it as an order of magnitude.');
    tables.push(reports);
  }
  return sectionOf(tables);
}
