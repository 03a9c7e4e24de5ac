/**
 * The report as data: tables (with units) and chart specs, built from a results bundle only.
 * Markdown, CSV, HTML and charts are renderings of this one model, so their numbers agree.
 */
import type { LayoutName } from '../config/scenario-schema.js';
import type { LoadedResults } from './load-results.js';

export type Cell = string | number | null;

export interface Column {
  key: string;
  label: string;
  /** Unit shown in the header, e.g. "s", "MB", "rows/s". */
  unit?: string;
  /** Decimals for numbers. */
  digits?: number;
}

export interface Table {
  id: string;
  title: string;
  description: string;
  columns: Column[];
  rows: Record<string, Cell>[];
  /** Lines shown under the table: what was not measured and why. */
  notes: string[];
}

export interface Chart {
  id: string;
  title: string;
  /** A complete Vega-Lite spec with its data inlined. */
  spec: Record<string, unknown>;
}

export interface ReportModel {
  runId: string;
  title: string;
  status: string;
  error: string | null;
  tables: Table[];
  charts: Chart[];
}

const MB = 1048576;
const NOT_MEASURED = 'not measured';

function layoutsOf(r: LoadedResults): [LayoutName, NonNullable<LoadedResults['summary']['layouts'][LayoutName]>][] {
  return Object.entries(r.summary.layouts) as [LayoutName, NonNullable<LoadedResults['summary']['layouts'][LayoutName]>][];
}

/** Why a layout has no figure: its failure, or the part of the harness that did not run. */
function reasonFor(l: { status: string; reason: string | null }, what: string): string {
  if (l.status === 'failed') return `${NOT_MEASURED}: layout failed (${l.reason ?? 'no reason recorded'})`;
  if (l.status === 'not-run') return `${NOT_MEASURED}: ${l.reason ?? 'layout did not run'}`;
  return `${NOT_MEASURED}: ${what}`;
}

export function buildReportModel(r: LoadedResults): ReportModel {
  const s = r.summary;
  const layouts = layoutsOf(r);
  const tables: Table[] = [];
  const charts: Chart[] = [];

  // The seed article's comparison table. Columns this run did not measure say so, with the reason.
  const main: Table = {
    id: 'main',
    title: 'Strategies side by side',
    description: 'The comparison an architect quotes: one row per layout, every figure measured in this run.',
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'p50', label: 'P50 join', unit: 'ms', digits: 2 },
      { key: 'p99', label: 'P99 join', unit: 'ms', digits: 2 },
      { key: 'indexMb', label: 'index size', unit: 'MB', digits: 1 },
      { key: 'fullBackup', label: 'full backup', unit: 's', digits: 1 },
      { key: 'tenantBackup', label: 'single-tenant backup', unit: 's', digits: 2 },
      { key: 'migration', label: 'migration', unit: 's', digits: 2 },
      { key: 'seed', label: 'seed', unit: 's', digits: 1 },
    ],
    rows: [],
    notes: [],
  };
  for (const [name, l] of layouts) {
    main.rows.push({
      layout: name,
      p50: NOT_MEASURED,
      p99: NOT_MEASURED,
      indexMb: l.sizes ? l.sizes.indexBytes / MB : reasonFor(l, 'sizes not collected'),
      fullBackup: NOT_MEASURED,
      tenantBackup: NOT_MEASURED,
      migration: NOT_MEASURED,
      seed: l.seed ? l.seed.seconds.total : l.status === 'ok' ? `${NOT_MEASURED}: seeded by an earlier run` : reasonFor(l, 'not seeded'),
    });
  }
  main.notes.push('P50/P99, backups and migrations: not measured in this run (the workload runner and the operations are not part of this version of the harness).');
  tables.push(main);

  const seed: Table = {
    id: 'seed',
    title: 'Seeding',
    description: 'Building the identical dataset under each layout: seconds per phase (wall clock) and rows per second over the whole seed.',
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
      seed.notes.push(`${name}: ${l.status === 'ok' ? `${NOT_MEASURED}: seeded by an earlier run` : reasonFor(l, 'not seeded')}`);
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

  const sizes: Table = {
    id: 'sizes',
    title: 'Sizes',
    description: 'Bytes on disk of the tenant tables, their indexes and TOAST, the databases, and the catalog entries (pg_class rows) each layout needs.',
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
  tables.push(sizes);

  const ds = s.dataset;
  tables.push({
    id: 'dataset',
    title: 'Dataset check',
    description: 'Per-tenant checksums computed by the server in every layout (row counts and a 64-bit hash sum of the data columns, tenant_id excluded).',
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'rows', label: 'rows', digits: 0 },
      { key: 'checksum', label: 'dataset checksum' },
      { key: 'matches', label: 'matches the others' },
    ],
    rows: layouts.map(([name, l]) => ({
      layout: name,
      rows: l.rows,
      checksum: l.checksum ?? NOT_MEASURED,
      matches: l.checksum === null ? NOT_MEASURED : ds.mismatches.some((m) => m.layout === name) ? 'NO' : 'yes',
    })),
    notes: [
      ds.identicalAcrossLayouts === true
        ? `Identical across ${ds.layoutsCompared.join(', ')}: dataset checksum ${ds.checksum}.`
        : ds.identicalAcrossLayouts === false
          ? `${ds.mismatches.length} mismatches: see summary.json dataset.mismatches.`
          : 'No layout was checked.',
    ],
  });

  const iso = s.isolation;
  if (iso) {
    const probeIds = [...new Set(Object.values(iso.layouts).flatMap((l) => l?.probes.map((p) => p.id) ?? []))];
    tables.push({
      id: 'isolation',
      title: 'Isolation probes',
      description:
        'Each probe connects as the application does (the layout\'s unprivileged role and router) and tries to cross the tenant boundary. ' +
        'blocked: the boundary held; LEAKED: another tenant\'s rows were reached; finding: a documented weakness; n/a: does not apply to the layout.',
      columns: [{ key: 'probe', label: 'probe' }, ...Object.keys(iso.layouts).map((l) => ({ key: l, label: l }))],
      rows: probeIds.map((id) => {
        const row: Record<string, Cell> = { probe: id };
        for (const [layout, l] of Object.entries(iso.layouts)) {
          const o = l?.probes.find((p) => p.id === id)?.outcome;
          row[layout] = o === undefined ? NOT_MEASURED : o === 'leaked' ? 'LEAKED' : o === 'not-applicable' ? 'n/a' : o;
        }
        return row;
      }),
      notes: [
        `${iso.blocked} blocked, ${iso.leaked} leaked, ${iso.findings} findings over ${Object.keys(iso.layouts).length} layouts.`,
        ...Object.entries(iso.layouts)
          .filter(([, l]) => l?.status === 'failed')
          .map(([name, l]) => `${name}: ${NOT_MEASURED}: verifier failed (${l?.reason ?? 'no reason recorded'})`),
      ],
    });
  }

  const env = r.environment;
  const settings = env?.server?.settings ?? {};
  const setting = (k: string) => (settings[k] ? `${settings[k]!.value}${settings[k]!.unit ? ` (${settings[k]!.unit})` : ''}` : NOT_MEASURED);
  tables.push({
    id: 'environment',
    title: 'Environment',
    description: 'Where these numbers were measured.',
    columns: [
      { key: 'key', label: 'what' },
      { key: 'value', label: 'value' },
    ],
    rows: [
      { key: 'scenario', value: `${s.scenario.name}: ${s.scenario.tenants} tenants, ${s.scenario.rows} rows, sizes ${String(s.scenario.sizes.kind)}, seed ${s.scenario.seed}` },
      { key: 'PostgreSQL', value: env?.server?.version ?? s.target.serverVersion ?? NOT_MEASURED },
      { key: 'target', value: env?.target?.description ?? s.target.kind },
      { key: 'machine', value: env?.machine ? `${env.machine.cpus} CPUs (${env.machine.cpuModel}), ${((env.machine.memoryBytes ?? 0) / 2 ** 30).toFixed(1)} GiB, ${env.machine.platform} ${env.machine.release}` : NOT_MEASURED },
      { key: 'harness', value: env?.harness ? `tenantbench ${env.harness.version} (${env.harness.gitCommit?.slice(0, 12) ?? 'no git commit'}${env.harness.gitDirty ? ', uncommitted changes' : ''}), Node ${env.harness.node}` : NOT_MEASURED },
      ...['shared_buffers', 'work_mem', 'maintenance_work_mem', 'max_connections', 'max_wal_size', 'fsync', 'synchronous_commit', 'jit'].map((k) => ({ key: k, value: setting(k) })),
      { key: 'dataset checksum', value: ds.checksum ?? NOT_MEASURED },
      { key: 'run', value: `${s.runId}, ${s.command}, status ${s.status}${s.error ? ` (${s.error})` : ''}` },
    ],
    notes: [],
  });

  // Charts: data inlined, so a spec file alone re-renders the chart.
  const seedPhases = layouts.flatMap(([name, l]) =>
    l.seed ? (['provision', 'load', 'index', 'analyze'] as const).map((phase) => ({ layout: name, phase, seconds: l.seed!.seconds[phase] })) : [],
  );
  if (seedPhases.length) {
    charts.push({
      id: 'seed-time',
      title: 'Seeding time per layout',
      spec: barSpec('Seeding time per layout (s)', seedPhases, 'seconds', 'phase', 'seconds', ['provision', 'load', 'index', 'analyze']),
    });
  }
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
    charts.push({ id: 'sizes', title: 'Size on disk per layout', spec: barSpec('Size on disk per layout (MB)', sizeParts, 'mb', 'part', 'MB', ['tables', 'indexes', 'TOAST']) });
  }

  return {
    runId: r.runId,
    title: `tenantbench report: ${s.scenario.name} (${r.runId})`,
    status: s.status,
    error: s.error,
    tables,
    charts,
  };
}

/** A horizontal stacked bar per layout. */
function barSpec(title: string, values: Record<string, unknown>[], field: string, colour: string, unit: string, order: string[]): Record<string, unknown> {
  const ranked = values.map((v) => ({ ...v, rank: order.indexOf(String(v[colour])) }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 480,
    height: { step: 28 },
    data: { values: ranked },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'layout', type: 'nominal', sort: null, title: 'layout' },
      x: { field, type: 'quantitative', title: unit, stack: 'zero' },
      color: { field: colour, type: 'nominal', title: colour, scale: { domain: order } },
      order: { field: 'rank', type: 'quantitative' },
    },
    config: { font: 'DejaVu Sans' },
  };
}
