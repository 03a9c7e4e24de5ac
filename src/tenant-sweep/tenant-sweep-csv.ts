import type { Bundle } from '../results/bundle.js';
import { writeCsv } from '../results/bundle.js';
import type { SweepLayout, SweepStepSummary, SweepSummary } from '../results/sweep-schema.js';

type Getter = (st: SweepStepSummary, l: SweepLayout, layout: string) => unknown;
const dump = (l: SweepLayout) => (l.tenantDump && l.tenantDump.status !== 'not measured' ? l.tenantDump : null);

/** Column name -> figure; a missing figure is an empty cell (the reason is in summary.sweep notes). */
const COLUMNS: Array<[string, Getter]> = [
  ['tenants', (st) => st.tenants],
  ['rows', (st) => st.rows],
  ['layout', (_st, _l, layout) => layout],
  ['status', (_st, l) => l.status],
  ['seed_s', (_st, l) => l.seedSeconds],
  ['pg_class_rows', (_st, l) => l.pgClassRows],
  ['catalog_bytes', (_st, l) => l.catalogBytes],
  ['catalog_cache_backends', (_st, l) => l.catalogCache?.backends],
  ['catalog_cache_bytes_after', (_st, l) => l.catalogCache?.bytesAfter],
  ['p50_ms', (_st, l) => l.workload?.p50Ms],
  ['p99_ms', (_st, l) => l.workload?.p99Ms],
  ['requests', (_st, l) => l.workload?.count],
  ['migration_units', (_st, l) => l.migration?.units],
  ['migration_sequential_s', (_st, l) => l.migration?.sequentialSeconds],
  ['migration_parallel_s', (_st, l) => l.migration?.parallelSeconds],
  ['tenant_backup_method', (_st, l) => dump(l)?.method],
  ['tenant_backup_s', (_st, l) => dump(l)?.seconds],
  ['tenant_backup_status', (_st, l) => dump(l)?.status],
  ['connection_cap', (_st, l) => l.connections?.cap],
  ['connections_opened', (_st, l) => l.connections?.opened],
  ['connections_closed', (_st, l) => l.connections?.closed],
  ['connections_peak_open', (_st, l) => l.connections?.peakOpen],
  ['server_backends_peak', (_st, l) => l.connections?.serverPeak],
  ['harness_peak_rss_bytes', (st) => st.harness?.peakRssBytes],
  ['harness_peak_heap_bytes', (st) => st.harness?.peakHeapUsedBytes],
];

/** sweep.csv: one row per step and measured layout. */
export function writeSweepCsv(bundle: Bundle, sweep: SweepSummary): void {
  const rows = sweep.steps.flatMap((st) =>
    Object.entries(st.perLayout).flatMap(([layout, l]) => (l ? [COLUMNS.map(([, get]) => get(st, l, layout) ?? '')] : [])),
  );
  writeCsv(
    bundle,
    'sweep.csv',
    COLUMNS.map(([name]) => name),
    rows,
  );
}
