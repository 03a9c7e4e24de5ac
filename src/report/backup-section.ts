/**
 * Backups and restores: every backup restored into a fresh database and verified, and their times as a chart.
 */
import type { Summary } from '../results/summary-schema.js';
import { VEGA_LITE_SCHEMA } from './charts.js';
import { NOT_MEASURED, notMeasured } from './not-measured.js';
import { type Chart, layoutEntries, MB, type Section, sectionOf, type Table } from './section.js';

export function backupSection(s: Summary): Section | null {
  const layouts = layoutEntries(s);
  const tables: Table[] = [];
  const charts: Chart[] = [];
  const backedUp = layouts.filter(([, l]) => l.backup);
  if (backedUp.length) {
    const rows = backedUp.flatMap(([name, l]) =>
      l.backup!.artifacts.map((a) => ({
        layout: name,
        scope: a.scope,
        method: a.method,
        tenant: a.tenant ?? 'all',
        seconds: a.seconds ?? (a.reason ? notMeasured(a.reason) : NOT_MEASURED),
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
      notes: [
        ...fullRestoreMethods(backedUp.map(([, l]) => l.backup!)),
        ...backedUp
          .filter(([, l]) => l.backup!.copyFromUnderRls?.refused)
          .map(
            ([name, l]) =>
              `${name}: COPY FROM as the RLS application role is refused (SQLSTATE ${l.backup!.copyFromUnderRls!.sqlstate}); pooled restores go through a staging table.`,
          ),
      ],
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
          $schema: VEGA_LITE_SCHEMA,
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
  return sectionOf(tables, charts);
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

/** How each full backup format was restored (e.g. data only, indexes not rebuilt), once per distinct method. */
function fullRestoreMethods(
  backups: readonly { artifacts: readonly { scope: string; method: string; restore: { method: string } | null }[] }[],
): string[] {
  const seen = new Set<string>();
  for (const b of backups)
    for (const a of b.artifacts)
      if (a.scope === 'full' && a.restore) seen.add(`full backups (${a.method}) restored with ${a.restore.method}.`);
  return [...seen];
}
