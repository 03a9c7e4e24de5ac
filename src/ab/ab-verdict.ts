import type { AbSideLabel, AbSlot } from './ab-plan.js';
import { pairedVerdict } from './paired-verdict.js';
import type { AbVerdictKind, PairedVerdict, VerdictOptions } from './paired-verdict.js';
import { AB_METRICS, type AbMetricId, metricKey } from './window-metrics.js';
import type { WindowFigures } from './window-metrics.js';

/** One measured window of a side, as recorded in ab.json. */
export interface AbWindow {
  pair: number;
  slot: string;
  side: AbSideLabel;
  layout: string;
  startedAt: string;
  figures: WindowFigures;
}

export interface MetricVerdict extends PairedVerdict {
  slot: string;
  query: string;
  metric: string;
  worse: 'higher' | 'lower';
  /** Whether this metric decides the overall verdict (`--gate`); the others are reported only. */
  gating: boolean;
}

export type AbOverall = 'regression' | 'inconclusive' | 'no regression' | 'cannot compare';

export interface AbVerdict {
  overall: AbOverall;
  threshold: number;
  confidence: number;
  /** What decides the overall verdict (`--gate`): metrics of every query (`p50`) or of one (`all/p50`); default every metric. */
  gate: string[];
  metrics: MetricVerdict[];
  /** Why the whole comparison cannot be trusted (no metric, a slot without pairs), empty otherwise. */
  problems: string[];
}

/**
 * Every metric of every slot from the windows, and the overall verdict: "regression" when any
 * metric's interval lies beyond the threshold (its pairs show it whatever the other metrics lack),
 * else "cannot compare" when any metric lacks the pairs to decide (too few valid windows, a query
 * with no request in a window), else "inconclusive" when any interval reaches across the threshold,
 * else "no regression". Only what `o.gate` names decides (default: every metric); the others are
 * reported. A gate entry naming a query no window measured is a problem (cannot compare).
 */
export function abVerdict(
  slots: readonly AbSlot[],
  windows: readonly AbWindow[],
  o: VerdictOptions & { gate?: readonly string[] },
): AbVerdict {
  const gate = [...(o.gate ?? AB_METRICS.map((m) => m.id))];
  const gates = (query: string, id: AbMetricId) => gate.includes(id) || gate.includes(`${query}/${id}`);
  const metrics: MetricVerdict[] = [];
  const problems: string[] = [];
  for (const slot of slots) {
    const mine = windows.filter((w) => w.slot === slot.id);
    const pairs = [...new Set(mine.map((w) => w.pair))].sort((x, y) => x - y);
    const at = (pair: number, side: AbSideLabel) => mine.find((w) => w.pair === pair && w.side === side)?.figures.values ?? {};
    const queries = [...new Set(mine.flatMap((w) => Object.keys(w.figures.values).map((k) => k.slice(0, k.lastIndexOf('/')))))];
    if (!queries.length) problems.push(`${slot.id}: no window measured anything`);
    for (const query of queries) {
      for (const m of AB_METRICS) {
        const key = metricKey(query, m.id);
        const values = pairs.map((p) => ({ a: at(p, 'A')[key] ?? null, b: at(p, 'B')[key] ?? null }));
        metrics.push({
          slot: slot.id,
          query,
          metric: m.label,
          worse: m.worse,
          gating: gates(query, m.id),
          ...pairedVerdict(values, m.worse, o),
        });
      }
    }
  }
  for (const e of gate.filter((x) => x.includes('/'))) {
    const query = e.slice(0, e.lastIndexOf('/'));
    if (!metrics.some((m) => m.query === query)) problems.push(`--gate ${e}: no window measured the query "${query}"`);
  }
  const has = (v: AbVerdictKind) => metrics.some((m) => m.gating && m.verdict === v);
  const overall: AbOverall = has('regression')
    ? 'regression'
    : problems.length || has('cannot compare')
      ? 'cannot compare'
      : has('inconclusive')
        ? 'inconclusive'
        : 'no regression';
  return { overall, threshold: o.threshold, confidence: o.confidence, gate, metrics, problems };
}

/** The entries of a `--gate` value: comma-separated, trimmed, each once. */
export function gateEntries(value: string): string[] {
  return [...new Set(value.split(',').map((x) => x.trim()))].filter(Boolean);
}

/**
 * A `--gate` list's problem, or null: each entry a metric (p50, p99, throughput: of every query) or
 * query/metric (of that query; `all` is the whole mix). `queries`, when known, are the names a
 * query part may take.
 */
export function gateProblem(entries: readonly string[], queries?: readonly string[]): string | null {
  const ids = AB_METRICS.map((m) => m.id) as string[];
  if (!entries.length) return `--gate is empty: give metrics of ${ids.join('|')}, or query/metric`;
  for (const e of entries) {
    const cut = e.lastIndexOf('/');
    const [query, id] = cut < 0 ? [null, e] : [e.slice(0, cut), e.slice(cut + 1)];
    if (!ids.includes(id)) return `--gate "${e}": the metric must be one of ${ids.join('|')} (an entry is a metric, or query/metric)`;
    if (query !== null && queries && !queries.includes(query))
      return `--gate "${e}": no query "${query}" in this comparison (queries: ${queries.join(', ')})`;
    if (query === '') return `--gate "${e}": the query before "/" is empty`;
  }
  return null;
}
