import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Summary } from '../results/summary-schema.js';
import { headlineSection } from './headline-section.js';
import { mainSection } from './main-section.js';

const q = (p50Ms: number, p99Ms: number, offeredPerS: number, throughputPerS: number, extra: object = {}) => ({
  p50Ms,
  p99Ms,
  offeredPerS,
  throughputPerS,
  count: 100,
  valid: true,
  dropped: 0,
  ...extra,
});
const layoutW = (queries: Record<string, ReturnType<typeof q>>) => {
  const xs = Object.values(queries);
  const sum = (k: 'offeredPerS' | 'throughputPerS') => xs.reduce((a, x) => a + x[k], 0);
  const all = { ...xs[0]!, offeredPerS: sum('offeredPerS'), throughputPerS: sum('throughputPerS') };
  return { status: 'ok', reason: null, valid: true, invalidReasons: [], queries, all };
};
const rate = (fraction: number, ratePerS: number, rlsJoin: ReturnType<typeof q>) => ({
  fraction,
  ratePerS,
  reportsPerS: 0.5,
  workload: {
    config: { mode: 'open', repeats: 2 },
    layouts: {
      shared: layoutW({ 'recent-orders': q(10, 20, ratePerS / 2, ratePerS / 2), 'order-report': q(900, 1500, 0.25, 0.25) }),
      rls: layoutW({ 'recent-orders': rlsJoin, 'order-report': q(950, 1600, 0.25, 0.25) }),
    },
  },
});

const summary = {
  layouts: { shared: { status: 'ok', reason: null, sizes: null }, rls: { status: 'ok', reason: null, sizes: null } },
  workload: { config: { mode: 'open', repeats: 2, thinkMs: 0 }, layouts: {} },
  headline: {
    status: 'ok',
    reason: null,
    fractions: [0.25, 0.5],
    p99TargetMs: 50,
    oltpQueries: ['recent-orders'],
    reportQueries: ['order-report'],
    lowest: { layout: 'rls', ratePerS: 200, kind: 'measured' },
    rates: [
      rate(0.25, 50, q(11, 22, 25, 25, { intervals: { p50Ms: { loMs: 10.5, hiMs: 11.5 }, p99Ms: null } })),
      rate(0.5, 100, q(12, 40, 50, 45)),
    ],
  },
} as unknown as Summary;

describe('the headline in the report', () => {
  it('puts P50/P99 of the join at each headline rate in the main table, with intervals when measured, and names unsaturated windows', () => {
    const main = mainSection(summary).tables[0]!;
    assert.deepEqual(
      main.columns.slice(0, 5).map((c) => c.label),
      ['layout', 'P50 join @ 50/s', 'P99 join @ 50/s', 'P50 join @ 100/s', 'P99 join @ 100/s'],
    );
    const rls = main.rows.find((r) => r.layout === 'rls')!;
    assert.equal(rls.p50_0, '11.00 [10.50, 11.50]');
    assert.equal(rls.p99_0, 22);
    assert.equal(rls.p99_1, 40);
    assert.ok(main.notes.some((n) => n.includes('50/s (25%) and 100/s (50%) of the lowest capacity, 200/s (rls)')));
    assert.ok(
      main.notes.some((n) => n.startsWith('Not below saturation') && /100\/s rls: achieved 45\.\d of 50\.\d req\/s scheduled/.test(n)),
    );
  });

  it('reports the queries beside it in a table of their own', () => {
    const tables = headlineSection(summary)!.tables;
    const reports = tables.find((t) => t.id === 'headline-reports')!;
    assert.deepEqual(
      reports.rows.map((r) => [r.layout, r.rate, r.query, r.p99]),
      [
        ['shared', 50, 'order-report', 1500],
        ['shared', 100, 'order-report', 1500],
        ['rls', 50, 'order-report', 1600],
        ['rls', 100, 'order-report', 1600],
      ],
    );
    assert.ok(tables.find((t) => t.id === 'headline')!.rows.every((r) => r.query === 'recent-orders'));
  });

  it('adds pgbench P50/P99 and the ratio at each rate when the headline ran its reference, and says why where it did not', () => {
    const withRef = structuredClone(summary) as unknown as {
      headline: { oltpQueries: string[]; rates: { workload: { layouts: Record<string, Record<string, unknown>> } }[] };
    };
    withRef.headline.oltpQueries = ['recent-orders', 'create-order'];
    const write = 'it writes rows whose ids the harness hands out per run';
    for (const r of withRef.headline.rates) {
      r.workload.layouts.shared!.reference = {
        reason: null,
        queries: {
          'recent-orders': { measured: true, p50Ms: 5, p99Ms: 8 },
          'create-order': { measured: false, reason: write },
        },
      };
      r.workload.layouts.rls!.reference = { reason: 'not measured: pgbench not found', queries: {} };
    }
    const t = headlineSection(withRef as unknown as Summary)!.tables.find((x) => x.id === 'headline')!;
    assert.deepEqual(
      t.columns.slice(-4).map((c) => c.key),
      ['pgP50', 'pgP99', 'p50Ratio', 'p99Ratio'],
    );
    const row = (layout: string, rate: number, query: string) =>
      t.rows.find((r) => r.layout === layout && r.rate === rate && r.query === query)!;
    assert.deepEqual(
      [row('shared', 50, 'recent-orders').pgP50, row('shared', 50, 'recent-orders').pgP99, row('shared', 50, 'recent-orders').p50Ratio],
      [5, 8, '2.00x'],
    );
    assert.equal(row('shared', 100, 'recent-orders').p99Ratio, '2.50x');
    assert.equal(row('shared', 50, 'create-order').pgP50, `not measured: ${write}`);
    assert.equal(row('rls', 50, 'recent-orders').pgP50, 'not measured: pgbench not found');
    // Without any reference the table keeps its columns.
    assert.ok(!headlineSection(summary)!.tables[0]!.columns.some((c) => c.key === 'pgP50'));
  });
});
