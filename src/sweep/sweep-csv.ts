import type { Bundle } from '../results/bundle.js';
import { writeCsv } from '../results/bundle.js';
import type { SweepSummary } from '../results/sweep-schema.js';

/** sweep.csv: one row per step and measured layout; empty cells were not measured (see summary.sweep notes). */
export function writeSweepCsv(bundle: Bundle, sweep: SweepSummary): void {
  const rows: unknown[][] = [];
  for (const st of sweep.steps) {
    for (const [layout, l] of Object.entries(st.perLayout)) {
      if (!l) continue;
      const dump = l.tenantDump && l.tenantDump.status !== 'not measured' ? l.tenantDump : null;
      rows.push([
        st.tenants,
        st.rows,
        layout,
        l.status,
        l.seedSeconds ?? '',
        l.pgClassRows ?? '',
        l.catalogBytes ?? '',
        l.catalogCache?.backends ?? '',
        l.catalogCache?.bytesAfter ?? '',
        l.workload?.p50Ms ?? '',
        l.workload?.p99Ms ?? '',
        l.workload?.count ?? '',
        l.migration?.units ?? '',
        l.migration?.sequentialSeconds ?? '',
        l.migration?.parallelSeconds ?? '',
        dump?.method ?? '',
        dump?.seconds ?? '',
        dump?.status ?? '',
        l.connections?.cap ?? '',
        l.connections?.opened ?? '',
        l.connections?.closed ?? '',
        l.connections?.peakOpen ?? '',
        l.connections?.serverPeak ?? '',
        st.harness?.peakRssBytes ?? '',
        st.harness?.peakHeapUsedBytes ?? '',
      ]);
    }
  }
  writeCsv(
    bundle,
    'sweep.csv',
    [
      'tenants', 'rows', 'layout', 'status', 'seed_s', 'pg_class_rows', 'catalog_bytes', 'catalog_cache_backends', 'catalog_cache_bytes_after',
      'p50_ms', 'p99_ms', 'requests', 'migration_units', 'migration_sequential_s', 'migration_parallel_s', 'tenant_backup_method', 'tenant_backup_s',
      'tenant_backup_status', 'connection_cap', 'connections_opened', 'connections_closed', 'connections_peak_open', 'server_backends_peak',
      'harness_peak_rss_bytes', 'harness_peak_heap_bytes',
    ],
    rows,
  );
}
