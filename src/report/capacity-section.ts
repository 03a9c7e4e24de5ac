/**
 * The rate sweep in the report: capacity per layout (a column of the main table, a table of its
 * own with every step) and latency against throughput with the P99 target as a rule. From the
 * bundle's summary.capacity only.
 */
import type { Summary } from '../results/summary-schema.js';
import { VEGA_LITE_SCHEMA } from './charts.js';
import { NOT_MEASURED, notMeasured } from './not-measured.js';
import type { Cell, Section, Table } from './section.js';

/** The capacity column of the main table and its note, when a rate sweep ran. */
export function addCapacityColumn(s: Summary, main: Table): void {
  const c = s.capacity;
  if (!c) return;
  const target = c.config.p99TargetMs;
  main.columns.push({ key: 'capacity', label: `capacity at P99 ≤ ${target} ms` });
  for (const row of main.rows) {
    const l = c.layouts[row.layout as keyof typeof c.layouts];
    row.capacity = !l
      ? notMeasured('not in the rate sweep')
      : l.status === 'failed' && l.capacity.kind === 'not-measured'
        ? notMeasured(`sweep failed (${l.reason})`)
        : l.capacity.label;
  }
  main.notes.push(
    `Capacity: the highest offered rate (open loop, ${c.config.arrival}) at which P99 stayed within ${target} ms with nothing dropped; "≥" and "below" are bounds, not measurements.`,
  );
}

/** The capacity tables (per layout, every step) and latency against throughput, when a rate sweep ran. */
export function capacitySection(s: Summary): Section | null {
  const c = s.capacity;
  if (!c) return null;
  const target = c.config.p99TargetMs;
  const tables: Table[] = [];
  const ordered = Object.keys(s.layouts)
    .filter((l) => c.layouts[l as keyof typeof c.layouts])
    .map((l) => [l, c.layouts[l as keyof typeof c.layouts]!] as const);
  tables.push({
    id: 'capacity',
    title: 'Capacity per layout',
    description:
      `Rate sweep: the workload's mix (${Object.entries(c.config.mix)
        .map(([q, w]) => `${q} ${w}`)
        .join(', ')}) in open loop on ${c.config.connections} connections, ` +
      `${c.config.warmupSeconds} s warm-up + ${c.config.stepSeconds} s per step, rates ${c.config.rates.join(', ')} req/s, layouts interleaved in a shuffled order each round. ` +
      `A step meets the target when P99 (from the intended start) ≤ ${target} ms, at least ${(c.config.minAchievedFraction * 100).toFixed(0)}% of the offered requests completed, none was dropped and at most ${(c.config.maxErrorFraction * 100).toFixed(2)}% failed. ` +
      'Capacity is the highest rate that met it below the first rate that missed it.',
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'capacity', label: `capacity at P99 ≤ ${target} ms` },
      { key: 'firstMiss', label: 'first miss', unit: 'req/s', digits: 0 },
      { key: 'steps', label: 'valid steps' },
      { key: 'note', label: 'note' },
    ],
    rows: ordered.map(
      ([layout, l]): Record<string, Cell> => ({
        layout,
        capacity: l.capacity.label,
        firstMiss: l.capacity.firstMissPerS ?? (l.capacity.kind === 'not-measured' ? NOT_MEASURED : 'none'),
        steps: `${l.steps.filter((x) => x.valid).length} of ${l.steps.length}`,
        note: l.status !== 'ok' ? `${l.status}: ${l.reason ?? ''}` : (l.capacity.reason ?? ''),
      }),
    ),
    notes: [],
  });
  tables.push({
    id: 'capacity-steps',
    title: 'Rate sweep steps',
    description:
      'Every step of the sweep in the order it ran: offered and achieved rate, response-time percentiles from the intended start, service-time P99, late, dropped and failed requests, and the verdict.',
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'round', label: 'round', digits: 0 },
      { key: 'rate', label: 'rate', unit: 'req/s', digits: 0 },
      { key: 'offered', label: 'offered', unit: 'req/s', digits: 1 },
      { key: 'achieved', label: 'achieved', unit: 'req/s', digits: 1 },
      { key: 'p50', label: 'P50', unit: 'ms', digits: 2 },
      { key: 'p95', label: 'P95', unit: 'ms', digits: 2 },
      { key: 'p99', label: 'P99', unit: 'ms', digits: 2 },
      { key: 'serviceP99', label: 'service P99', unit: 'ms', digits: 2 },
      { key: 'late', label: 'late', digits: 0 },
      { key: 'dropped', label: 'dropped', digits: 0 },
      { key: 'unfinished', label: 'unfinished', digits: 0 },
      { key: 'errors', label: 'errors', digits: 0 },
      { key: 'verdict', label: 'verdict' },
    ],
    rows: ordered.flatMap(([layout, l]) =>
      l.steps.map((st): Record<string, Cell> => {
        const withheld = notMeasured('invalid step');
        return {
          layout,
          round: st.round + 1,
          rate: st.phase === 'refine' ? `${st.ratePerS} (refine)` : st.ratePerS,
          offered: st.offeredPerS,
          achieved: st.achievedPerS,
          p50: st.p50Ms ?? (st.valid ? null : withheld),
          p95: st.p95Ms ?? (st.valid ? null : withheld),
          p99: st.p99Ms ?? (st.valid ? null : withheld),
          serviceP99: st.serviceP99Ms ?? (st.valid ? null : withheld),
          late: st.late,
          dropped: st.dropped,
          unfinished: st.unfinished,
          errors: Object.values(st.errors).reduce((a, b) => a + b, 0),
          verdict: st.meets === null ? `invalid: ${st.invalidReasons.join('; ')}` : st.meets ? 'meets' : `miss: ${st.misses.join('; ')}`,
        };
      }),
    ),
    notes: [
      "An invalid step (the load generator itself lagging, or the target gone) is not counted against the layout; its latencies are withheld. Requests still unfinished after the drain are the layout's miss.",
    ],
  });
  const points = ordered.flatMap(([layout, l]) =>
    l.steps
      .filter((st) => st.valid && st.p99Ms !== null && st.achievedPerS !== null)
      .map((st) => ({
        layout,
        achievedPerS: st.achievedPerS,
        p99Ms: st.p99Ms,
        ratePerS: st.ratePerS,
        verdict: st.meets ? 'meets' : 'miss',
      }))
      .sort((a, b) => a.ratePerS - b.ratePerS),
  );
  if (!points.length) return { tables, charts: [] };
  const x = { field: 'achievedPerS', type: 'quantitative', title: 'achieved throughput (req/s)' };
  const y = { field: 'p99Ms', type: 'quantitative', title: 'P99 from intended start (ms, log scale)', scale: { type: 'log' } };
  const color = { field: 'layout', type: 'nominal', sort: ordered.map(([l]) => l) };
  const chart = {
    id: 'latency-vs-throughput',
    title: 'Latency vs throughput (rate sweep)',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: `P99 vs achieved throughput per layout; rule: the ${target} ms target`,
      width: 480,
      height: 280,
      layer: [
        {
          data: { values: points },
          mark: { type: 'line' },
          encoding: { x, y, color, order: { field: 'ratePerS', type: 'quantitative' } },
        },
        {
          // A missed step can sit under the rule (its P99 covers the requests that completed; the
          // dropped ones or the shortfall made it miss): its shape says so.
          data: { values: points },
          mark: { type: 'point', filled: true, size: 60, tooltip: true },
          encoding: {
            x,
            y,
            color,
            shape: { field: 'verdict', type: 'nominal', title: 'step', scale: { domain: ['meets', 'miss'], range: ['circle', 'cross'] } },
            tooltip: [
              { field: 'layout', type: 'nominal' },
              { field: 'ratePerS', type: 'quantitative', title: 'offered req/s' },
              { field: 'achievedPerS', type: 'quantitative', title: 'achieved req/s', format: '.1f' },
              { field: 'p99Ms', type: 'quantitative', title: 'P99 ms', format: '.2f' },
              { field: 'verdict', type: 'nominal' },
            ],
          },
        },
        {
          data: { values: [{ targetMs: target }] },
          mark: { type: 'rule', strokeDash: [6, 4], color: 'firebrick' },
          encoding: { y: { field: 'targetMs', type: 'quantitative' } },
        },
      ],
      config: { font: 'DejaVu Sans' },
    },
  };
  return { tables, charts: [chart] };
}
