/**
 * Migrations across tenants: the same five schema changes per layout, one unit at a time, in parallel and under load.
 */
import type { Summary } from '../results/summary-schema.js';
import { groupedBarSpec } from './charts.js';
import { NOT_MEASURED } from './not-measured.js';
import { type Chart, layoutEntries, type Section, sectionOf, type Table } from './section.js';

export function migrationSection(s: Summary): Section | null {
  const layouts = layoutEntries(s);
  const tables: Table[] = [];
  const charts: Chart[] = [];
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
  return sectionOf(tables, charts);
}
