/**
 * The report as data: tables (with units) and chart specs, built from a results bundle only.
 * Markdown, CSV, HTML and charts are renderings of this one model, so their numbers agree.
 */
import type { LayoutName } from '../config/scenario-schema.js';
import type { LoadedResults } from './load-results.js';
import { addCapacity } from './capacity-report.js';
import { poolerReportTable } from './pooler-table.js';
import { sweepReport } from './sweep-report.js';

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
/** The "typical SELECT with a tenant filter and a join" the main table quotes. */
const JOIN_QUERY = 'recent-orders';
const NOT_MEASURED = 'not measured';

function layoutsOf(r: LoadedResults): [LayoutName, NonNullable<LoadedResults['summary']['layouts'][LayoutName]>][] {
  return Object.entries(r.summary.layouts) as [LayoutName, NonNullable<LoadedResults['summary']['layouts'][LayoutName]>][];
}

/** Mean server execution time of a query (pg_stat_statements), or why it is unknown. */
function serverMeanOf(
  st:
    | { reason: string | null; queries: Record<string, { calls: number; totalExecMs: number; meanExecMs: number | null }> }
    | null
    | undefined,
  query: string,
): Cell {
  if (!st) return NOT_MEASURED;
  if (st.reason) return notMeasuredBecause(st.reason);
  if (query === '(all queries)') {
    const qs = Object.values(st.queries);
    const calls = qs.reduce((a, x) => a + x.calls, 0);
    return calls ? qs.reduce((a, x) => a + x.totalExecMs, 0) / calls : NOT_MEASURED;
  }
  return st.queries[query]?.meanExecMs ?? NOT_MEASURED;
}

/** "not measured: <reason>", once even when the recorded reason already says it. */
function notMeasuredBecause(reason: string): string {
  return reason.startsWith(NOT_MEASURED) ? reason : `${NOT_MEASURED}: ${reason}`;
}

/** Why a layout has no figure: its failure, or the part of the harness that did not run. */
function reasonFor(l: { status: string; reason: string | null }, what: string): string {
  if (l.status === 'failed') return `${NOT_MEASURED}: layout failed (${l.reason ?? 'no reason recorded'})`;
  if (l.status === 'not-run') return notMeasuredBecause(l.reason ?? 'layout did not run');
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
    const full = l.backup?.artifacts.find((a) => a.scope === 'full' && a.method.includes('-Fc'));
    const tenant = l.backup?.artifacts.find((a) => a.scope === 'tenant' && a.status === 'ok');
    const w = s.workload?.layouts[name];
    const join = w?.queries[JOIN_QUERY];
    const latency = (k: 'p50Ms' | 'p99Ms'): Cell =>
      !s.workload
        ? reasonFor(l, 'no workload ran')
        : w?.status !== 'ok'
          ? `${NOT_MEASURED}: ${w?.reason ?? 'workload did not run on this layout'}`
          : !join
            ? `${NOT_MEASURED}: ${JOIN_QUERY} not in the mix`
            : !join.valid && join[k] === null
              ? `${NOT_MEASURED}: invalid (${w.invalidReasons.join('; ') || 'load generator saturated'})`
              : join[k];
    main.rows.push({
      layout: name,
      p50: latency('p50Ms'),
      p99: latency('p99Ms'),
      indexMb: l.sizes ? l.sizes.indexBytes / MB : reasonFor(l, 'sizes not collected'),
      fullBackup: !l.backup
        ? reasonFor(l, 'backups did not run')
        : full?.status === 'ok' && full.seconds !== null
          ? full.seconds
          : notMeasuredBecause(full?.reason ?? l.backup.reason ?? 'no verified full backup'),
      tenantBackup: !l.backup
        ? reasonFor(l, 'backups did not run')
        : (tenant?.seconds ?? `${NOT_MEASURED}: no verified single-tenant backup`),
      migration: !l.migration
        ? reasonFor(l, 'migrations did not run')
        : l.migration.status === 'ok'
          ? l.migration.seconds
          : `failed (${l.migration.unitsFailed} of ${l.migration.units} units)`,
      seed: l.seed ? l.seed.seconds.total : l.status === 'ok' ? `${NOT_MEASURED}: seeded by an earlier run` : reasonFor(l, 'not seeded'),
    });
    if (tenant) main.notes.push(`${name}: single-tenant backup = ${tenant.method} of ${tenant.tenant}, restored and verified.`);
  }
  if (s.workload) {
    main.notes.push(
      `P50/P99: the ${JOIN_QUERY} query (a tenant's recent orders joined to their customers), ${s.workload.config.mode} loop, response time over the valid repeats.`,
    );
  }
  // A sweep run has no single run at one tenant count: its tables come first.
  if (s.sweep) {
    const sw = sweepReport(s.sweep, s.scenario.layouts);
    tables.push(...sw.tables);
    charts.push(...sw.charts);
  }
  tables.push(main);
  addCapacity(s, main, tables, charts);

  if (s.workload) {
    const wl = s.workload;
    const rows: Record<string, Cell>[] = [];
    // Canonical layout order (shared, rls, schema, database, hybrid), not the shuffled run order.
    const ordered = layouts.map(([name]) => [name, wl.layouts[name]] as const).filter(([, w]) => w);
    for (const [name, w] of ordered) {
      if (!w) continue;
      const entries = Object.entries(w.queries);
      if (w.all) entries.push(['(all queries)', w.all]);
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
        { key: 'valid', label: 'valid' },
      ],
      rows,
      notes: [
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
    const phased = ordered.filter(([, w]) => w && Object.values(w.queries).some((q) => q.phases));
    if (phased.length) {
      const prow: Record<string, Cell>[] = [];
      for (const [name, w] of phased) {
        const entries = Object.entries(w!.queries);
        if (w!.all) entries.push(['(all queries)', w!.all]);
        for (const [q, r] of entries) {
          const p = r.phases;
          if (!p) continue;
          prow.push({
            layout: name,
            query: q,
            mean: p.meanResponseMs,
            latenessMean: p.scheduleLateness ? p.scheduleLateness.meanMs : 'closed loop',
            latenessP99: p.scheduleLateness ? p.scheduleLateness.p99Ms : 'closed loop',
            acquireMean: p.acquire.meanMs,
            acquireP99: p.acquire.p99Ms,
            queryMean: p.query.meanMs,
            queryP99: p.query.p99Ms,
            commitMean: p.commit.meanMs,
            serverMean: serverMeanOf(w!.serverTime, q),
            generatorCpu: w!.generator?.busyCpuPercentOfOneCore ?? NOT_MEASURED,
          });
        }
      }
      tables.push({
        id: 'workload-phases',
        title: 'Where the time goes: generator, router, server',
        description:
          "Each successful request's response time split into its phases: schedule lateness (open loop: the generator sending the request after its intended start; the generator's delay, not the database's), router acquire (waiting for a connection, opening one, BEGIN + tenant context), the query's round trip, COMMIT's round trip. Means add up to the mean response time; P99s do not add up.",
        columns: [
          { key: 'layout', label: 'layout' },
          { key: 'query', label: 'query' },
          { key: 'mean', label: 'mean response', unit: 'ms', digits: 3 },
          { key: 'latenessMean', label: 'generator lateness mean', unit: 'ms', digits: 3 },
          { key: 'latenessP99', label: 'generator lateness P99', unit: 'ms', digits: 3 },
          { key: 'acquireMean', label: 'router acquire mean', unit: 'ms', digits: 3 },
          { key: 'acquireP99', label: 'router acquire P99', unit: 'ms', digits: 3 },
          { key: 'queryMean', label: 'query mean', unit: 'ms', digits: 3 },
          { key: 'queryP99', label: 'query P99', unit: 'ms', digits: 3 },
          { key: 'commitMean', label: 'commit mean', unit: 'ms', digits: 3 },
          { key: 'serverMean', label: 'server exec mean (pg_stat_statements)', unit: 'ms', digits: 3 },
          { key: 'generatorCpu', label: 'generator CPU', unit: '% of a core', digits: 0 },
        ],
        rows: prow,
        notes: [
          "generator CPU: the harness process in the measured windows, without the open loop's deliberate yields before a deadline. A window where it is near a core, or where the generator lateness P99 exceeds maxEventLoopLagMs, or where requests queued for connections while the server sat idle, is generator-limited: invalid, never the layout's result.",
          ...phased
            .filter(([, w]) => (w!.generator?.limitedRepeats ?? 0) > 0)
            .map(([name, w]) => `${name}: ${w!.generator!.limitedRepeats} repeat(s) generator-limited (invalid).`),
        ],
      });
    }
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
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
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
    const noisy = ordered.filter(([, w]) => w?.noisyNeighbour);
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
    const http = ordered.filter(([, w]) => w?.http);
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
  }

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

  const migrated = layouts.filter(([, l]) => l.migration);
  if (migrated.length) {
    tables.push({
      id: 'migration',
      title: 'Migrations across tenants',
      description:
        'The same five schema changes (nullable column, column with default, column type change (rewrite), CHECK constraint, index) applied with node-pg-migrate: once for pooled tables, once per tenant schema or database otherwise, each tenant atomically.',
      columns: [
        { key: 'layout', label: 'layout' },
        { key: 'units', label: 'units', digits: 0 },
        { key: 'parallel', label: 'parallel', digits: 0 },
        { key: 'seconds', label: 'total', unit: 's', digits: 2 },
        { key: 'sequential', label: 'one unit at a time', unit: 's', digits: 2 },
        { key: 'unitMedian', label: 'per unit median', unit: 's', digits: 3 },
        { key: 'unitMax', label: 'per unit max', unit: 's', digits: 3 },
        { key: 'locks', label: 'max locks held', digits: 0 },
        { key: 'underLoadSeconds', label: 'under load', unit: 's', digits: 2 },
        { key: 'p99Quiet', label: 'P99 quiet', unit: 'ms', digits: 1 },
        { key: 'p99During', label: 'P99 during migration', unit: 'ms', digits: 1 },
        { key: 'lockWaiters', label: 'max lock waiters', digits: 0 },
        { key: 'status', label: 'status' },
      ],
      rows: migrated.map(([name, l]) => {
        const m = l.migration!;
        const ul = m.underLoad.status === 'measured' ? m.underLoad : null;
        return {
          underLoadSeconds: ul ? ul.migration.seconds : NOT_MEASURED,
          p99Quiet: ul ? ul.quiet.p99Ms : NOT_MEASURED,
          p99During: ul ? ul.during.p99Ms : NOT_MEASURED,
          lockWaiters: ul ? ul.lockWaits.maxWaiting : NOT_MEASURED,
          layout: name,
          units: m.units,
          parallel: m.parallel,
          seconds: m.seconds,
          sequential: m.sequential?.seconds ?? (m.parallel === 1 ? m.seconds : NOT_MEASURED),
          unitMedian: m.unitSeconds?.median ?? null,
          unitMax: m.unitSeconds?.max ?? null,
          locks: m.maxLocksHeld,
          status: m.status === 'ok' ? 'ok' : `failed: ${m.unitsFailed} units`,
        };
      }),
      notes: migrated.map(([name, l]) => {
        const ul = l.migration!.underLoad;
        if (ul.status !== 'measured') return `${name}: migration under load: ${ul.status} (${ul.reason})`;
        const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));
        const errs = Object.entries(ul.during.errorsBySqlstate)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ');
        return (
          `${name}: migration under load (${ul.users} ${ul.mode === 'closed' ? 'users' : 'connections'}, ${ul.windowSeconds} s window, ${(ul.coveredFraction * 100).toFixed(0)}% of the migration inside it): ` +
          `${ul.migration.seconds.toFixed(2)} s vs ${ul.migration.quietSeconds.toFixed(2)} s quiet; P50 ${f(ul.quiet.p50Ms)} → ${f(ul.during.p50Ms)} ms, P99 ${f(ul.quiet.p99Ms)} → ${f(ul.during.p99Ms)} ms, ` +
          `${f(ul.quiet.throughputPerS)} → ${f(ul.during.throughputPerS)} req/s; lock waits: at most ${ul.lockWaits.maxWaiting} sessions, longest ${ul.lockWaits.longestWaitMs.toFixed(0)} ms (${ul.lockWaits.samples} samples)` +
          `${errs ? `; request errors during the migration: ${errs}` : ''}${ul.migration.unitsFailed ? `; ${ul.migration.unitsFailed} unit(s) failed under load (then migrated quietly)` : ''}${ul.valid ? '' : `; invalid: ${ul.invalidReasons.join('; ')}`}`
        );
      }),
    });
    charts.push({
      id: 'migration-time',
      title: 'Migration time per layout',
      spec: groupedBarSpec(
        'Migration time per layout (s)',
        migrated.flatMap(([name, l]) => {
          const m = l.migration!;
          const bars = [{ layout: name, run: `${m.parallel} unit${m.parallel > 1 ? 's' : ''} at a time`, seconds: m.seconds }];
          if (m.sequential) bars.unshift({ layout: name, run: '1 unit at a time', seconds: m.sequential.seconds });
          if (m.underLoad.status === 'measured') bars.push({ layout: name, run: 'under load', seconds: m.underLoad.migration.seconds });
          return bars;
        }),
        'seconds',
        'run',
      ),
    });
  }

  const backedUp = layouts.filter(([, l]) => l.backup);
  if (backedUp.length) {
    const rows = backedUp.flatMap(([name, l]) =>
      l.backup!.artifacts.map((a) => ({
        layout: name,
        scope: a.scope,
        method: a.method,
        tenant: a.tenant ?? 'all',
        seconds: a.seconds ?? (a.reason ? notMeasuredBecause(a.reason) : NOT_MEASURED),
        mb: a.bytes === null ? NOT_MEASURED : a.bytes / MB,
        restore: a.restore?.seconds ?? NOT_MEASURED,
        verified: a.restore
          ? a.restore.status === 'ok'
            ? `yes (${a.restore.rowsRestored} rows)`
            : `FAILED: ${a.restore.error ?? `${a.restore.rowsLost} rows lost`}`
          : 'no',
      })),
    );
    tables.push({
      id: 'backup',
      title: 'Backups and restores',
      description:
        'Every backup is restored into a fresh database and its rows counted and checksummed against the source; one that was not verified is not reported as a backup.',
      columns: [
        { key: 'layout', label: 'layout' },
        { key: 'scope', label: 'scope' },
        { key: 'method', label: 'method' },
        { key: 'tenant', label: 'tenant' },
        { key: 'seconds', label: 'backup', unit: 's', digits: 2 },
        { key: 'mb', label: 'size', unit: 'MB', digits: 2 },
        { key: 'restore', label: 'restore', unit: 's', digits: 2 },
        { key: 'verified', label: 'restored and verified' },
      ],
      rows,
      notes: backedUp
        .filter(([, l]) => l.backup!.copyFromUnderRls?.refused)
        .map(
          ([name, l]) =>
            `${name}: COPY FROM as the RLS application role is refused (SQLSTATE ${l.backup!.copyFromUnderRls!.sqlstate}); pooled restores go through a staging table.`,
        ),
    });
    const backupBars = backedUp.flatMap(([name, l]) =>
      l
        .backup!.artifacts.filter((a) => a.seconds !== null && a.status === 'ok')
        .map((a) => ({
          layout: name,
          backup: `${a.scope === 'full' ? 'full' : 'one tenant'}: ${shortMethod(a.method)}`,
          seconds: a.seconds,
        })),
    );
    if (backupBars.length) {
      charts.push({
        id: 'backup-time',
        title: 'Backup times',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          title: 'Verified backups per layout (s)',
          width: 480,
          height: { step: 16 },
          data: { values: backupBars },
          mark: { type: 'bar', tooltip: true },
          encoding: {
            y: { field: 'backup', type: 'nominal', title: null, axis: { labelLimit: 320 } },
            x: { field: 'seconds', type: 'quantitative', title: 'seconds' },
            row: { field: 'layout', type: 'nominal', title: null, sort: backedUp.map(([name]) => name) },
            color: { field: 'layout', type: 'nominal', legend: null },
          },
          resolve: { scale: { y: 'independent' } },
          config: { font: 'DejaVu Sans' },
        },
      });
    }
  }

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

  const moves = layouts.flatMap(([name, l]) => (l.extraction?.moves ?? []).map((m) => ({ layout: name, m })));
  if (moves.length) {
    tables.push({
      id: 'extraction',
      title: 'Moving a tenant out',
      description: 'Copying one tenant out of the pooled tables into its own schema or database, verified by checksum.',
      columns: [
        { key: 'layout', label: 'from layout' },
        { key: 'tenant', label: 'tenant' },
        { key: 'to', label: 'to' },
        { key: 'rows', label: 'rows', digits: 0 },
        { key: 'total', label: 'total', unit: 's', digits: 2 },
        { key: 'status', label: 'status' },
      ],
      rows: moves.map(({ layout, m }) => ({
        layout,
        tenant: m.tenant,
        to: m.to,
        rows: m.rows,
        total: m.seconds.total,
        status: m.status === 'ok' ? `ok (checksum ${m.checksumMoved})` : `FAILED: ${m.error}`,
      })),
      notes: [],
    });
  }

  const pooler = poolerReportTable(s);
  if (pooler) tables.push(pooler);

  const ds = s.dataset;
  tables.push({
    id: 'dataset',
    title: 'Dataset check',
    description:
      'Per-tenant checksums computed by the server in every layout (row counts and a 64-bit hash sum of the data columns, tenant_id excluded).',
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
        "Each probe connects as the application does (the layout's unprivileged role and router) and tries to cross the tenant boundary. " +
        "blocked: the boundary held; LEAKED: another tenant's rows were reached; finding: a documented weakness; n/a: does not apply to the layout.",
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

  if (s.placement) tables.push(placementTable(s.placement));

  const env = r.environment;
  const settings = env?.server?.settings ?? {};
  const setting = (k: string) =>
    settings[k] ? `${settings[k]!.value}${settings[k]!.unit ? ` (${settings[k]!.unit})` : ''}` : NOT_MEASURED;
  tables.push({
    id: 'environment',
    title: 'Environment',
    description: 'Where these numbers were measured.',
    columns: [
      { key: 'key', label: 'what' },
      { key: 'value', label: 'value' },
    ],
    rows: [
      {
        key: 'scenario',
        value: `${s.scenario.name}: ${s.scenario.tenants} tenants, ${s.scenario.rows} rows, sizes ${String(s.scenario.sizes.kind)}, seed ${s.scenario.seed}`,
      },
      { key: 'PostgreSQL', value: env?.server?.version ?? s.target.serverVersion ?? NOT_MEASURED },
      { key: 'target', value: env?.target?.description ?? s.target.kind },
      {
        key: 'machine',
        value: env?.machine
          ? `${env.machine.cpus} CPUs (${env.machine.cpuModel}), ${((env.machine.memoryBytes ?? 0) / 2 ** 30).toFixed(1)} GiB, ${env.machine.platform} ${env.machine.release}`
          : NOT_MEASURED,
      },
      {
        key: 'harness',
        value: env?.harness
          ? `tenantbench ${env.harness.version} (${env.harness.gitCommit?.slice(0, 12) ?? 'no git commit'}${env.harness.gitDirty ? ', uncommitted changes' : ''}), Node ${env.harness.node}`
          : NOT_MEASURED,
      },
      {
        key: 'CPU sharing',
        value: env?.scheduler
          ? `load average at start ${env.scheduler.loadAverage?.join(' / ') ?? '?'} (1/5/15 min); autogroup scheduling ${env.scheduler.autogroup === null ? 'absent' : env.scheduler.autogroup ? `on, harness group nice ${env.scheduler.harnessAutogroupNice ?? '?'}` : 'not in effect for the harness (switched off, or the harness runs in a cgroup task group)'}${env.scheduler.warning ? ` (warning: ${env.scheduler.warning})` : ''}`
          : NOT_MEASURED,
      },
      ...[
        'shared_buffers',
        'work_mem',
        'maintenance_work_mem',
        'max_connections',
        'max_wal_size',
        'fsync',
        'synchronous_commit',
        'jit',
      ].map((k) => ({ key: k, value: setting(k) })),
      { key: 'dataset checksum', value: ds.checksum ?? NOT_MEASURED },
      { key: 'run', value: `${s.runId}, ${s.command}, status ${s.status}${s.error ? ` (${s.error})` : ''}` },
    ],
    notes: [],
  });

  // Charts: data inlined, so a spec file alone re-renders the chart.
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
/** Several servers: where each tenant's own database was placed, and what each server held at the end. */
function placementTable(p: NonNullable<LoadedResults['summary']['placement']>): Table {
  return {
    id: 'placement',
    title: 'Placement',
    description: `Tenant databases (database layout, hybrid's dedicated tier) on ${p.servers.length} servers (${p.source}, rule ${p.rule}); the other layouts live on the primary. Each server has its own connection cap.`,
    columns: [
      { key: 'server', label: 'server' },
      { key: 'address', label: 'host:port' },
      { key: 'version', label: 'PostgreSQL' },
      { key: 'tenants', label: 'tenants' },
      { key: 'databases', label: 'databases', digits: 0 },
      { key: 'tenantDatabases', label: 'tenant databases', digits: 0 },
      { key: 'mb', label: 'size', unit: 'MB', digits: 1 },
    ],
    rows: p.servers.map((sv) => ({
      server: `${sv.name}${sv.primary ? ' (primary)' : ''}`,
      address: `${sv.host}:${sv.port}`,
      version: sv.serverVersion ?? NOT_MEASURED,
      tenants: sv.tenants.join(' ') || 'none',
      databases: sv.databases,
      tenantDatabases: sv.tenantDatabases,
      mb: sv.databaseBytes === null ? null : sv.databaseBytes / MB,
    })),
    notes: p.reason ? [p.reason] : [],
  };
}

function barSpec(
  title: string,
  values: Record<string, unknown>[],
  field: string,
  colour: string,
  unit: string,
  order: string[],
): Record<string, unknown> {
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

/** A chart label for a backup method ("pg_dump -Fc -n <schema>" -> "pg_dump -n"). */
function shortMethod(method: string): string {
  if (method.startsWith('COPY')) return 'COPY export';
  if (method.includes('--enable-row-security')) return 'pg_dump as RLS role';
  if (method.includes('-Fd')) return 'pg_dump -Fd';
  if (method.includes(' -n ')) return 'pg_dump -n';
  if (method.includes('<tenant database>')) return 'pg_dump of its database';
  return method;
}

/** Bars side by side (not stacked) per layout: alternatives of the same measure. */
function groupedBarSpec(title: string, values: Record<string, unknown>[], field: string, group: string): Record<string, unknown> {
  const rank = (g: string) => (g.startsWith('1 unit') ? 0 : g === 'under load' ? 2 : 1);
  const groups = [...new Set(values.map((v) => String(v[group])))].sort((a, b) => rank(a) - rank(b));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 480,
    height: { step: 14 },
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'layout', type: 'nominal', sort: null, title: 'layout' },
      yOffset: { field: group, sort: groups },
      x: { field, type: 'quantitative', title: field },
      color: { field: group, type: 'nominal', title: group, scale: { domain: groups } },
    },
    config: { font: 'DejaVu Sans' },
  };
}
