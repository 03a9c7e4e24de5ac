/**
 * The reference load generator next to tenantbench's figures (run --reference pgbench): per layout
 * and query, tenantbench's P50/P99 beside pgbench's on the same SQL, rate and connections, and
 * their ratio. A ratio well above 1 at a low load is the generator's own cost, not the layout's.
 */
import type { Summary } from '../results/summary-schema.js';
import { notMeasured } from './not-measured.js';
import { type Cell, type Section, sectionOf } from './section.js';
import { workloadLayouts } from './workload-section.js';

const ratio = (a: number | null | undefined, b: number | null | undefined): Cell => (a != null && b ? a / b : null);

export function referenceSection(s: Summary): Section | null {
  const layouts = workloadLayouts(s).filter(([, w]) => w.reference);
  if (!layouts.length) return null;
  const rows: Record<string, Cell>[] = [];
  const notes = new Set<string>();
  for (const [name, w] of layouts) {
    const ref = w.reference!;
    for (const [query, tb] of Object.entries(w.queries)) {
      const pg = ref.queries[query];
      // The headline's reference runs its listed queries only; the headline table says so for the others.
      if (s.headline && !pg) continue;
      const base = { layout: name, query, tbP50: tb.p50Ms, tbP99: tb.p99Ms, tbThroughput: tb.throughputPerS };
      if (!pg?.measured) {
        const why = notMeasured(pg?.reason ?? ref.reason ?? 'pgbench did not run this query');
        // The reason once per row; the other pgbench cells read "not measured".
        rows.push({ ...base, pgP50: why, pgP99: null, p50Ratio: null, p99Ratio: null, pgThroughput: null, pgFailures: null });
        continue;
      }
      rows.push({
        ...base,
        pgP50: pg.p50Ms,
        pgP99: pg.p99Ms,
        p50Ratio: ratio(tb.p50Ms, pg.p50Ms),
        p99Ratio: ratio(tb.p99Ms, pg.p99Ms),
        pgThroughput: pg.throughputPerS,
        pgFailures: pg.failures,
      });
    }
    for (const warning of ref.warnings) notes.add(`${name}: ${warning}`);
    if (ref.reason === null)
      notes.add(
        `${name}: pgbench ${ref.version ?? ''} with ${ref.connections} connection(s) in ${ref.processes} process(es), ${ref.durationSeconds} s measured${ref.scheduleLagP99Ms !== null ? `, its schedule lag P99 ${ref.scheduleLagP99Ms.toFixed(2)} ms` : ''}.`,
      );
  }
  const mode = layouts[0]![1].reference!.mode;
  const lastRate = s.headline?.rates.at(-1);
  const at = lastRate
    ? `At the headline's highest rate (${lastRate.ratePerS} req/s; every rate is in the headline table), pgbench offered each reference query alone at its rate in that stream. `
    : '';
  return sectionOf([
    {
      id: 'reference',
      title: 'Reference load generator: tenantbench vs pgbench',
      description:
        at +
        (mode === 'open'
          ? "The same SQL (BEGIN, the tenant's context, the query, COMMIT) driven by pgbench at the same offered rate (--rate, Poisson), after the layout's measured windows. Both latencies are from the intended (scheduled) start. The ratio is tenantbench / pgbench: above 1, tenantbench's own cost is in its figure."
          : "The same SQL (BEGIN, the tenant's context, the query, COMMIT) driven by pgbench with the same connections (closed loop, back to back), after the layout's measured windows. The ratio is tenantbench / pgbench. In a closed loop each generator offers what it can, so the throughputs differ too: compare latencies at equal load in the open loop."),
      columns: [
        { key: 'layout', label: 'layout' },
        { key: 'query', label: 'query' },
        { key: 'tbP50', label: 'tenantbench P50', unit: 'ms', digits: 2 },
        { key: 'pgP50', label: 'pgbench P50', unit: 'ms', digits: 2 },
        { key: 'p50Ratio', label: 'P50 ratio', digits: 2 },
        { key: 'tbP99', label: 'tenantbench P99', unit: 'ms', digits: 2 },
        { key: 'pgP99', label: 'pgbench P99', unit: 'ms', digits: 2 },
        { key: 'p99Ratio', label: 'P99 ratio', digits: 2 },
        { key: 'tbThroughput', label: 'tenantbench throughput', unit: 'req/s', digits: 1 },
        { key: 'pgThroughput', label: 'pgbench throughput', unit: 'tx/s', digits: 1 },
        { key: 'pgFailures', label: 'pgbench failed', digits: 0 },
      ],
      rows,
      notes: [...notes],
    },
  ]);
}
