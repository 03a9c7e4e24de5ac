/**
 * Latency and throughput per query and layout (tenant-scoped queries through each layout's router),
 * and the join query's percentiles as a chart.
 */
import type { LayoutName } from '../config/scenario-schema.js';
import type { Summary } from '../results/summary-schema.js';
import { VEGA_LITE_SCHEMA } from './charts.js';
import { JOIN_QUERY } from './main-section.js';
import { NOT_MEASURED } from './not-measured.js';
import { ALL_QUERIES, BASELINE_LAYOUT, ratioToBaseline } from './baseline-ratio.js';
import { formatBounds, formatRatio } from './format-cell.js';
import { type Cell, type Chart, layoutEntries, type Section, sectionOf, type Table } from './section.js';

type WorkloadLayout = NonNullable<NonNullable<Summary['workload']>['layouts'][LayoutName]>;

/** The layouts the workload ran on, in canonical order (shared, rls, schema, database, hybrid), not the shuffled run order. */
export function workloadLayouts(s: Summary): (readonly [LayoutName, WorkloadLayout])[] {
  const wl = s.workload;
  if (!wl) return [];
  return layoutEntries(s)
    .map(([name]) => [name, wl.layouts[name]] as const)
    .filter((e): e is readonly [LayoutName, WorkloadLayout] => !!e[1]);
}

const INTERVAL_COLUMNS = [
  { key: 'p50Ci', label: 'P50 95% CI', unit: 'ms' },
  { key: 'p99Ci', label: 'P99 95% CI', unit: 'ms' },
  { key: 'p50VsShared', label: `P50 vs ${BASELINE_LAYOUT}` },
  { key: 'p99VsShared', label: `P99 vs ${BASELINE_LAYOUT}` },
];

const INTERVAL_NOTE =
  `95% CI: a moving-block bootstrap over the measured intervals (blocks of consecutive seconds, not single requests, so correlated slow stretches widen the interval as they should). ` +
  `vs ${BASELINE_LAYOUT}: the change of the percentile against ${BASELINE_LAYOUT}'s with its 95% interval; "no measurable difference" when the interval contains no change. No interval ("not measured") with fewer than 4 blocks or fewer than 10 requests beyond the percentile (a P99 needs 1,000 requests).`;

export function workloadSection(s: Summary): Section | null {
  if (!s.workload) return null;
  const tables: Table[] = [];
  const charts: Chart[] = [];
  const wl = s.workload;
  const rows: Record<string, Cell>[] = [];
  const ordered = workloadLayouts(s);
  const withIntervals = ordered.some(([, w]) => w.all?.intervals);
  for (const [name, w] of ordered) {
    if (!w) continue;
    const entries = Object.entries(w.queries);
    if (w.all) entries.push([ALL_QUERIES, w.all]);
    for (const [q, r] of entries) {
      rows.push({
        layout: name,
        query: q,
        p50: r.p50Ms,
        p95: r.p95Ms,
        p99: r.p99Ms,
        p999: r.p999Ms,
        max: r.maxMs,
        throughput: r.throughputPerS,
        offered: r.offeredPerS ?? (r.mode === 'closed' ? 'closed loop' : NOT_MEASURED),
        errors: Object.values(r.errors).reduce((a, b) => a + b, 0),
        p99Spread: r.spread.p99Ms.min === null ? NOT_MEASURED : `${r.spread.p99Ms.min.toFixed(2)}–${r.spread.p99Ms.max!.toFixed(2)}`,
        p50Ci: formatBounds(r.intervals?.p50Ms),
        p99Ci: formatBounds(r.intervals?.p99Ms),
        p50VsShared: name === BASELINE_LAYOUT ? 'baseline' : formatRatio(ratioToBaseline(s, name, q, 'p50Ms')),
        p99VsShared: name === BASELINE_LAYOUT ? 'baseline' : formatRatio(ratioToBaseline(s, name, q, 'p99Ms')),
        valid: r.valid
          ? 'yes'
          : r.repeats.some((x) => x.valid)
            ? `${r.repeats.filter((x) => x.valid).length} of ${r.repeats.length} repeats`
            : 'NO',
      });
    }
  }
  tables.push({
    id: 'workload',
    title: 'Latency and throughput per query',
    description: `Tenant-scoped queries through each layout's router: ${wl.config.mode} loop, ${wl.config.repeats} repeats in interleaved, shuffled layout order, warm-up excluded; percentiles from HdrHistograms over the valid repeats${wl.config.mode === 'open' ? ', measured from the intended start (coordinated omission corrected)' : ''}.`,
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'query', label: 'query' },
      { key: 'p50', label: 'P50', unit: 'ms', digits: 2 },
      { key: 'p95', label: 'P95', unit: 'ms', digits: 2 },
      { key: 'p99', label: 'P99', unit: 'ms', digits: 2 },
      { key: 'p999', label: 'P99.9', unit: 'ms', digits: 2 },
      { key: 'max', label: 'max', unit: 'ms', digits: 2 },
      { key: 'throughput', label: 'throughput', unit: 'req/s', digits: 1 },
      { key: 'offered', label: 'offered', unit: 'req/s', digits: 1 },
      { key: 'errors', label: 'errors', digits: 0 },
      { key: 'p99Spread', label: 'P99 over repeats', unit: 'ms' },
      // Bundles written before the intervals existed keep their table as it was.
      ...(withIntervals ? INTERVAL_COLUMNS : []),
      { key: 'valid', label: 'valid' },
    ],
    rows,
    notes: [
      ...(withIntervals ? [INTERVAL_NOTE] : []),
      'valid: "yes" when every repeat was valid; "k of n repeats" when some were not (their latencies are left out of the percentiles, the reasons follow); NO when none was.',
      ...Object.entries(wl.layouts)
        .filter(([, w]) => w && (w.status !== 'ok' || !w.valid))
        .map(
          ([name, w]) =>
            `${name}: ${w!.status !== 'ok' ? `${w!.status}: ${w!.reason}` : `invalid repeats: ${w!.invalidReasons.join('; ')}`}`,
        ),
      ...Object.entries(wl.layouts)
        .filter(([, w]) => w?.leakProbes)
        .map(([name, w]) => {
          const p = w!.leakProbes!;
          return `${name}: leak probes under load: ${p.probes} run, ${p.leaked} leaked${p.leaked ? ` (${p.rowsOfOtherTenants} rows of other tenants; first: ${p.firstLeak?.probe} as ${p.firstLeak?.tenant})` : ''}.`;
        }),
    ],
  });
  const pct = ordered.flatMap(([name, w]) => {
    const j = w?.queries[JOIN_QUERY];
    return j
      ? (['p50Ms', 'p95Ms', 'p99Ms'] as const)
          .filter((k) => j[k] !== null)
          .map((k) => ({ layout: name, percentile: k.replace('Ms', '').toUpperCase(), ms: j[k] }))
      : [];
  });
  if (pct.length) {
    charts.push({
      id: 'latency',
      title: `Latency percentiles of ${JOIN_QUERY} per layout`,
      spec: {
        $schema: VEGA_LITE_SCHEMA,
        title: `${JOIN_QUERY}: latency percentiles per layout (ms)`,
        width: 480,
        height: 240,
        data: { values: pct },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: { field: 'layout', type: 'nominal', sort: null, title: null },
          xOffset: { field: 'percentile', sort: ['P50', 'P95', 'P99'] },
          y: { field: 'ms', type: 'quantitative', title: 'ms' },
          color: { field: 'percentile', type: 'nominal', sort: ['P50', 'P95', 'P99'] },
        },
        config: { font: 'DejaVu Sans' },
      },
    });
  }
  return sectionOf(tables, charts);
}
