/**
 * The seed article's comparison table: one row per layout, every figure measured in this run.
 * Columns this run did not measure say so, with the reason; a rate sweep adds its capacity. With a
 * headline (equal open-loop load below every capacity) the latency columns are the join at each
 * headline rate, with 95% intervals when the summary has them.
 */
import type { Summary } from '../results/summary-schema.js';
import { addCapacityColumn } from './capacity-section.js';
import { latencyCell, saturatedWindows } from './headline-cells.js';
import { notMeasured, reasonFor } from './not-measured.js';
import { type Cell, layoutEntries, MB, type Section, type Table } from './section.js';

/** The "typical SELECT with a tenant filter and a join" the main table quotes. */
export const JOIN_QUERY = 'recent-orders';

export function mainSection(s: Summary): Section {
  const h = s.headline?.rates.length ? s.headline : null;
  const main: Table = {
    id: 'main',
    title: 'Strategies side by side',
    description: 'The comparison an architect quotes: one row per layout, every figure measured in this run.',
    columns: [
      { key: 'layout', label: 'layout' },
      ...(h
        ? h.rates.flatMap((r, i) => [
            { key: `p50_${i}`, label: `P50 join @ ${r.ratePerS}/s`, unit: 'ms', digits: 2 },
            { key: `p99_${i}`, label: `P99 join @ ${r.ratePerS}/s`, unit: 'ms', digits: 2 },
          ])
        : [
            { key: 'p50', label: 'P50 join', unit: 'ms', digits: 2 },
            { key: 'p99', label: 'P99 join', unit: 'ms', digits: 2 },
          ]),
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
    const headlineCells = Object.fromEntries(
      (h?.rates ?? []).flatMap((r, i) => {
        const lw = r.workload.layouts[name];
        return [
          [`p50_${i}`, lw ? latencyCell(lw, JOIN_QUERY, 'p50Ms') : reasonFor(l, 'headline did not run on this layout')],
          [`p99_${i}`, lw ? latencyCell(lw, JOIN_QUERY, 'p99Ms') : reasonFor(l, 'headline did not run on this layout')],
        ];
      }),
    );
    main.rows.push({
      layout: name,
      ...(h ? headlineCells : { p50: latency('p50Ms'), p99: latency('p99Ms') }),
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
  if (h) {
    const lo = h.lowest!;
    main.notes.push(
      `P50/P99: the ${JOIN_QUERY} query (a tenant's recent orders joined to their customers), open loop (Poisson), response time from the intended start, ` +
        `at the same offered rates for every layout: ${h.rates.map((r) => `${r.ratePerS}/s (${r.fraction * 100}%)`).join(' and ')} of the lowest capacity, ` +
        `${lo.ratePerS}/s (${lo.layout}${lo.kind === 'measured' ? '' : `, ${lo.kind}`}), over ${h.oltpQueries.join(', ')}` +
        `${h.reportQueries.length ? `, with ${h.rates[0]!.reportsPerS}/s of ${h.reportQueries.join(', ')} beside it (reported apart)` : ''}; ` +
        `${s.workload?.config.repeats ?? 1} repeat(s) per rate, interleaved. Brackets: 95% confidence interval when measured.`,
    );
    if (lo.kind === 'below')
      main.notes.push(
        `${lo.layout} missed the P99 target at the lowest calibration rate: the headline rates may not be below its capacity (lower the first calibration rate).`,
      );
    if (h.reason) main.notes.push(`Headline: ${h.reason}.`);
    main.notes.push(settleNote(h.settle));
    const saturated = h.rates.flatMap((r) => saturatedWindows(r.workload).map((x) => `${r.ratePerS}/s ${x}`));
    main.notes.push(
      saturated.length
        ? `Not below saturation (these figures measure queueing, not the layout): ${saturated.join('; ')}.`
        : 'Every headline stream completed its scheduled rate (within 2%), dropped nothing and was valid.',
    );
  } else if (s.workload) {
    main.notes.push(
      `P50/P99: the ${JOIN_QUERY} query (a tenant's recent orders joined to their customers), ${s.workload.config.mode} loop, response time over the valid repeats.${s.workload.config.mode === 'closed' && s.workload.config.thinkMs === 0 ? ' Closed loop without think time keeps the server as busy as the users can make it: an overload test, its latencies include the queueing (equal load below saturation: the headline: block of the default scenario).' : ''}`,
    );
  }
  addCapacityColumn(s, main);
  return { tables: [main], charts: [] };
}

/** Whether the seed's pending work was done before the first window (VACUUM (ANALYZE), CHECKPOINT). */
function settleNote(settle: NonNullable<Summary['headline']>['settle']): string {
  if (settle === undefined)
    return "Before the calibration: not settled (a bundle from before the headline's VACUUM (ANALYZE) and CHECKPOINT): the seed's pending autovacuum, hint bits and dirty buffers may have landed on some windows (compare the repeats).";
  if (settle === null)
    return "Before the calibration: settling failed (see the run's output): the seed's pending work may have landed on the first windows.";
  return `Before the calibration: VACUUM (ANALYZE) of every layout's databases, then CHECKPOINT (${settle.seconds.toFixed(0)} s)${settle.warning ? `; ${settle.warning}` : ''}, so the seed's pending work does not land on the windows.`;
}
