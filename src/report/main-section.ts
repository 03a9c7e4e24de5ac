/**
 * The seed article's comparison table: one row per layout, every figure measured in this run.
 * Columns this run did not measure say so, with the reason; a rate sweep adds its capacity.
 */
import type { Summary } from '../results/summary-schema.js';
import { addCapacityColumn } from './capacity-section.js';
import { notMeasured, reasonFor } from './not-measured.js';
import { type Cell, layoutEntries, MB, type Section, type Table } from './section.js';

/** The "typical SELECT with a tenant filter and a join" the main table quotes. */
export const JOIN_QUERY = 'recent-orders';

export function mainSection(s: Summary): Section {
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
  for (const [name, l] of layoutEntries(s)) {
    const full = l.backup?.artifacts.find((a) => a.scope === 'full' && a.method.includes('-Fc'));
    const tenant = l.backup?.artifacts.find((a) => a.scope === 'tenant' && a.status === 'ok');
    const w = s.workload?.layouts[name];
    const join = w?.queries[JOIN_QUERY];
    const latency = (k: 'p50Ms' | 'p99Ms'): Cell =>
      !s.workload
        ? reasonFor(l, 'no workload ran')
        : w?.status !== 'ok'
          ? notMeasured(w?.reason ?? 'workload did not run on this layout')
          : !join
            ? notMeasured(`${JOIN_QUERY} not in the mix`)
            : !join.valid && join[k] === null
              ? notMeasured(`invalid (${w.invalidReasons.join('; ') || 'load generator saturated'})`)
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
          : notMeasured(full?.reason ?? l.backup.reason ?? 'no verified full backup'),
      tenantBackup: !l.backup ? reasonFor(l, 'backups did not run') : (tenant?.seconds ?? notMeasured('no verified single-tenant backup')),
      migration: !l.migration
        ? reasonFor(l, 'migrations did not run')
        : l.migration.status === 'ok'
          ? l.migration.seconds
          : `failed (${l.migration.unitsFailed} of ${l.migration.units} units)`,
      seed: l.seed ? l.seed.seconds.total : l.status === 'ok' ? notMeasured('seeded by an earlier run') : reasonFor(l, 'not seeded'),
    });
    if (tenant) main.notes.push(`${name}: single-tenant backup = ${tenant.method} of ${tenant.tenant}, restored and verified.`);
  }
  if (s.workload) {
    main.notes.push(
      `P50/P99: the ${JOIN_QUERY} query (a tenant's recent orders joined to their customers), ${s.workload.config.mode} loop, response time over the valid repeats.`,
    );
  }
  addCapacityColumn(s, main);
  return { tables: [main], charts: [] };
}
