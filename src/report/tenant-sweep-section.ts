/**
 * The tenant-scale sweep in the report: an overview (one row per step and layout), one table per
 * cost with a column per layout and a row per tenant count, the connections of the capped
 * routers, the harness's own memory per step, and a line chart of each cost against tenant count
 * (log x axis). Built from summary.sweep alone; a layout a step did not run says so.
 */
import type { LayoutName } from '../config/scenario-schema.js';
import type { SweepLayout, SweepStepSummary, SweepSummary } from '../results/sweep-schema.js';
import type { Summary } from '../results/summary-schema.js';
import { VEGA_LITE_SCHEMA } from './charts.js';
import { NOT_MEASURED, notMeasured } from './not-measured.js';
import { type Cell, type Chart, MB, type Section, type Table } from './section.js';
import { tenantLimitsTables } from './tenant-limits-section.js';

const NOT_IN_STEP = notMeasured('not in this step');

interface Cost {
  id: string;
  title: string;
  unit: string;
  digits: number;
  /** The figure, or a "not measured" reason. */
  value: (l: SweepLayout) => number | string | null;
}

const dump = (l: SweepLayout) => (l.tenantDump && l.tenantDump.status !== 'not measured' ? l.tenantDump : null);

const COSTS: Cost[] = [
  { id: 'seed', title: 'Seed time', unit: 's', digits: 1, value: (l) => l.seedSeconds ?? reason(l, 'seed', 'not seeded') },
  {
    id: 'pg-class',
    title: 'Catalog entries (pg_class rows)',
    unit: 'rows',
    digits: 0,
    value: (l) => l.pgClassRows ?? reason(l, 'catalog', 'sizes not collected'),
  },
  {
    id: 'catalog-bytes',
    title: 'Catalog size',
    unit: 'MB',
    digits: 2,
    value: (l) => (l.catalogBytes === null ? reason(l, 'catalog', 'sizes not collected') : l.catalogBytes / MB),
  },
  {
    id: 'catalog-cache',
    title: 'Backend catalog cache after touching every tenant',
    unit: 'MB',
    digits: 2,
    value: (l) =>
      l.catalogCache
        ? l.catalogCache.bytesAfter / MB
        : l.pgClassRows === null
          ? reason(l, 'catalog', 'sizes not collected')
          : reason(l, 'catalog cache', 'sizes not collected'),
  },
  {
    id: 'p50',
    title: 'Workload P50 (all queries)',
    unit: 'ms',
    digits: 2,
    value: (l) => l.workload?.p50Ms ?? reason(l, 'workload', 'no workload ran'),
  },
  {
    id: 'p99',
    title: 'Workload P99 (all queries)',
    unit: 'ms',
    digits: 2,
    value: (l) => l.workload?.p99Ms ?? reason(l, 'workload', 'no workload ran'),
  },
  {
    id: 'migration-sequential',
    title: 'Migration, one unit at a time',
    unit: 's',
    digits: 2,
    value: (l) => l.migration?.sequentialSeconds ?? reason(l, 'migration', 'migrations did not run'),
  },
  {
    id: 'migration-parallel',
    title: 'Migration, units in parallel',
    unit: 's',
    digits: 2,
    value: (l) => l.migration?.parallelSeconds ?? reason(l, 'migration', 'migrations did not run'),
  },
  {
    id: 'tenant-backup',
    title: 'Single-tenant backup (largest tenant, verified)',
    unit: 's',
    digits: 2,
    value: (l) => (dump(l)?.status === 'ok' ? dump(l)!.seconds : reason(l, 'single-tenant backup', dump(l)?.error ?? 'did not run')),
  },
];

function reason(l: SweepLayout, what: string, fallback: string): string {
  if (l.status === 'failed') return notMeasured(`layout failed (${l.reason ?? 'no reason recorded'})`);
  const note = l.notes.find((n) => n.startsWith(`${what}:`));
  return note ? note.slice(what.length + 2) : notMeasured(fallback);
}

/** Every layout of the run, in the canonical order of the steps' entries. */
function layoutsOf(sweep: SweepSummary, runLayouts: readonly LayoutName[]): LayoutName[] {
  return runLayouts.filter((l) => sweep.steps.some((st) => st.layouts.includes(l)));
}

function cell(st: SweepStepSummary, layout: LayoutName, f: (l: SweepLayout) => Cell): Cell {
  if (!st.layouts.includes(layout)) return NOT_IN_STEP;
  const l = st.perLayout[layout];
  if (!l) return notMeasured(st.status === 'not-run' ? (st.reason ?? 'step not reached') : `step ${st.status}`);
  return f(l);
}

function lineChart(
  id: string,
  title: string,
  values: Record<string, unknown>[],
  y: string,
  yTitle: string,
  colour = 'layout',
  dash?: string,
): Chart {
  return {
    id,
    title,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title,
      width: 420,
      height: 240,
      data: { values },
      mark: { type: 'line', point: true, tooltip: true },
      encoding: {
        x: { field: 'tenants', type: 'quantitative', scale: { type: 'log' }, title: 'tenants (log scale)' },
        y: { field: y, type: 'quantitative', title: yTitle },
        color: { field: colour, type: 'nominal', title: colour },
        ...(dash ? { strokeDash: { field: dash, type: 'nominal', title: dash } } : {}),
      },
      config: { font: 'DejaVu Sans' },
    },
  };
}

/** A sweep run has no single run at one tenant count: its tables come first. */
export function tenantSweepSection(s: Summary): Section | null {
  const sweep = s.sweep;
  if (!sweep) return null;
  const layouts = layoutsOf(sweep, s.scenario.layouts);
  const tables: Table[] = [];
  const charts: Chart[] = [];
  const stepsNote = `Steps: ${sweep.steps.map((st) => `${st.tenants} tenants (${st.layouts.join(', ')})`).join('; ')}; ${sweep.rows.toLocaleString('en-US')} rows in every step.`;

  const overview: Table = {
    id: 'sweep',
    title: 'Tenant scale: every cost per step',
    description: `The same total rows spread over more and more tenants, one step per tenant count, every step seeded afresh on the same server. ${stepsNote}`,
    columns: [
      { key: 'tenants', label: 'tenants', digits: 0 },
      { key: 'layout', label: 'layout' },
      ...COSTS.map((c) => ({ key: c.id, label: c.title.replace(/ \(.*\)$/, ''), unit: c.unit, digits: c.digits })),
      { key: 'rss', label: 'harness peak RSS (step)', unit: 'MB', digits: 1 },
    ],
    rows: [],
    notes: [],
  };
  for (const st of sweep.steps) {
    for (const layout of layouts) {
      const row: Record<string, Cell> = { tenants: st.tenants, layout };
      for (const c of COSTS) row[c.id] = cell(st, layout, c.value);
      row.rss = st.harness ? st.harness.peakRssBytes / MB : notMeasured(`step ${st.status}`);
      overview.rows.push(row);
    }
    if (st.status !== 'ok') overview.notes.push(`${st.tenants} tenants: step ${st.status}${st.reason ? ` (${st.reason})` : ''}.`);
  }
  overview.notes.push(
    'Seed: rls is a server-side template copy of shared when both run. P50/P99 over every query of the mix. Catalog figures as seeded; the catalog cache is summed over one backend per database (database layout: one per tenant). ' +
      'Migration: the five steps, one unit at a time, undone, then the parallel pass; pooled layouts have one unit, so both figures are the same run. ' +
      'Single-tenant backup: pg_dump where it can select one tenant (-n schema, the tenant database, --enable-row-security as the RLS role); the shared baseline has none and uses the COPY export. Restored into a fresh database and checksummed.',
  );
  tables.push(overview);

  for (const c of COSTS) {
    tables.push({
      id: `sweep-${c.id}`,
      title: `Tenant scale: ${c.title}`,
      description: `${c.title} (${c.unit}) against the tenant count, one column per layout.`,
      columns: [
        { key: 'tenants', label: 'tenants', digits: 0 },
        ...layouts.map((l) => ({ key: l, label: l, unit: c.unit, digits: c.digits })),
      ],
      rows: sweep.steps.map((st) => ({ tenants: st.tenants, ...Object.fromEntries(layouts.map((l) => [l, cell(st, l, c.value)])) })),
      notes: [],
    });
  }

  const capped = layouts.filter((l) => sweep.steps.some((st) => st.perLayout[l]?.connections?.cap != null));
  if (capped.length) {
    tables.push({
      id: 'sweep-connections',
      title: 'Tenant scale: connections under the cap',
      description: `The per-database routers during the workload: a global cap of ${sweep.databaseMaxConnections} connections, least recently used idle connections closed to make room; the server's max_connections is ${sweep.serverMaxConnections ?? NOT_MEASURED}.`,
      columns: [
        { key: 'tenants', label: 'tenants', digits: 0 },
        { key: 'layout', label: 'layout' },
        { key: 'cap', label: 'cap', digits: 0 },
        { key: 'opened', label: 'opened', digits: 0 },
        { key: 'closed', label: 'closed', digits: 0 },
        { key: 'peakOpen', label: 'router peak open', digits: 0 },
        { key: 'serverPeak', label: 'server backends peak', digits: 0 },
        { key: 'maxConnections', label: 'server max_connections', digits: 0 },
      ],
      rows: sweep.steps.flatMap((st) =>
        capped.map((l) => {
          const get = (f: (c: NonNullable<SweepLayout['connections']>) => Cell): Cell =>
            cell(st, l, (x) => (x.connections ? f(x.connections) : reason(x, 'workload', 'no workload ran')));
          return {
            tenants: st.tenants,
            layout: l,
            cap: get((c) => c.cap),
            opened: get((c) => c.opened),
            closed: get((c) => c.closed),
            peakOpen: get((c) => c.peakOpen),
            serverPeak: get((c) => c.serverPeak ?? notMeasured('pg_stat_activity sampling failed')),
            maxConnections: sweep.serverMaxConnections,
          };
        }),
      ),
      notes: ["Server backends: client backends on the layout's databases in pg_stat_activity, sampled every 50 ms during the workload."],
    });
  }

  tables.push(...tenantLimitsTables(sweep, layouts));

  tables.push({
    id: 'sweep-harness',
    title: "Tenant scale: the harness's own memory",
    description:
      'Resident set size and V8 heap of the harness process (the server and pg_dump are other processes), sampled every 100 ms during each step.',
    columns: [
      { key: 'tenants', label: 'tenants', digits: 0 },
      { key: 'layouts', label: 'layouts' },
      { key: 'peakRss', label: 'peak RSS', unit: 'MB', digits: 1 },
      { key: 'peakHeap', label: 'peak heap used', unit: 'MB', digits: 1 },
      { key: 'rssStart', label: 'RSS at start', unit: 'MB', digits: 1 },
      { key: 'rssEnd', label: 'RSS at end', unit: 'MB', digits: 1 },
      { key: 'seconds', label: 'step time', unit: 's', digits: 1 },
    ],
    rows: sweep.steps.map((st) => {
      const h = st.harness;
      const why = notMeasured(`step ${st.status}`);
      return {
        tenants: st.tenants,
        layouts: st.layouts.join(', '),
        peakRss: h ? h.peakRssBytes / MB : why,
        peakHeap: h ? h.peakHeapUsedBytes / MB : why,
        rssStart: h ? h.rssStartBytes / MB : why,
        rssEnd: h ? h.rssEndBytes / MB : why,
        seconds: st.seconds ?? why,
      };
    }),
    notes: [],
  });

  // Charts: one per cost, a line per layout, only the figures measured.
  const points = (f: (l: SweepLayout) => number | string | null, scale = 1) =>
    sweep.steps.flatMap((st) =>
      layouts.flatMap((layout) => {
        const l = st.layouts.includes(layout) ? st.perLayout[layout] : undefined;
        const v = l ? f(l) : null;
        return typeof v === 'number' ? [{ tenants: st.tenants, layout, value: v * scale }] : [];
      }),
    );
  for (const c of COSTS.filter((x) => !x.id.startsWith('migration'))) {
    const values = points(c.value);
    if (values.length) charts.push(lineChart(`sweep-${c.id}`, `${c.title} vs tenants (${c.unit})`, values, 'value', c.unit));
  }
  const migration = sweep.steps.flatMap((st) =>
    layouts.flatMap((layout) => {
      const m = st.layouts.includes(layout) ? st.perLayout[layout]?.migration : null;
      if (!m) return [];
      return [
        ...(m.sequentialSeconds !== null ? [{ tenants: st.tenants, layout, pass: 'one unit at a time', value: m.sequentialSeconds }] : []),
        ...(m.parallelSeconds !== null
          ? [{ tenants: st.tenants, layout, pass: `${m.parallel} units at a time`, value: m.parallelSeconds }]
          : []),
      ];
    }),
  );
  if (migration.length)
    charts.push(lineChart('sweep-migration', 'Migration time vs tenants (s)', migration, 'value', 's', 'layout', 'pass'));
  const rss = sweep.steps.flatMap((st) =>
    st.harness
      ? [
          { tenants: st.tenants, memory: 'peak RSS', value: st.harness.peakRssBytes / MB },
          { tenants: st.tenants, memory: 'peak heap used', value: st.harness.peakHeapUsedBytes / MB },
        ]
      : [],
  );
  if (rss.length) charts.push(lineChart('sweep-harness-memory', 'Harness peak memory vs tenants (MB)', rss, 'value', 'MB', 'memory'));
  return { tables, charts };
}
