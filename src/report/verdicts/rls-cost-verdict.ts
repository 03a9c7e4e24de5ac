/**
 * What row level security costs on the join: rls against shared (the same tables, the filter in the
 * application only), P50 and P99 of the join at each headline rate, with the 95% interval of the
 * ratio; "no measurable difference" when it contains no change.
 */
import type { LayoutName } from '../../config/scenario-schema.js';
import type { LayoutWorkload, WorkloadSummary } from '../../results/workload-schema.js';
import type { Summary } from '../../results/summary-schema.js';
import { BASELINE_LAYOUT, ratioToBaseline } from '../baseline-ratio.js';
import { formatChangeInterval, formatRatio } from '../format-cell.js';
import { latencyCell, saturatedWindows } from '../headline-cells.js';
import { JOIN_QUERY } from '../main-section.js';
import { notMeasured } from '../not-measured.js';
import { latencySources } from './latency-sources.js';
import { ms } from './verdict-format.js';

const RLS: LayoutName = 'rls';
type Key = 'p50Ms' | 'p99Ms';

/** The join's percentile when measured and valid; else the table's "not measured: ..." text. */
function value(w: LayoutWorkload | undefined, k: Key): number | string {
  const q = w?.status === 'ok' ? w.queries[JOIN_QUERY] : undefined;
  const v = q?.valid ? q[k] : null;
  return v ?? String(latencyCell(w, JOIN_QUERY, k));
}

function percentile(s: Summary, w: WorkloadSummary, k: Key): string {
  const name = k === 'p50Ms' ? 'P50' : 'P99';
  const rls = value(w.layouts[RLS], k);
  const base = value(w.layouts[BASELINE_LAYOUT], k);
  if (typeof rls === 'string') return `${name} ${RLS} ${rls}`;
  if (typeof base === 'string') return `${name} ${BASELINE_LAYOUT} ${base}`;
  const r = ratioToBaseline({ ...s, workload: w }, RLS, JOIN_QUERY, k);
  return r
    ? `${name} ${ms(rls)} vs ${ms(base)}, ${formatRatio(r)}`
    : `${name} ${ms(rls)} vs ${ms(base)} (${formatChangeInterval((rls / base - 1) * 100)}; no confidence interval recorded: not shown to be a difference)`;
}

export function rlsCostVerdict(s: Summary): string | null {
  if (!s.layouts[RLS] || !s.layouts[BASELINE_LAYOUT]) return null;
  const sources = latencySources(s);
  if (!sources.length) return notMeasured('no workload ran');
  const parts = sources.map(({ label, workload }) => {
    const saturated = saturatedWindows(workload).filter((x) => x.startsWith(`${RLS}:`) || x.startsWith(`${BASELINE_LAYOUT}:`));
    const warn = saturated.length ? ` Not below saturation (queueing, not the layout): ${saturated.join('; ')}.` : '';
    return `${label[0]!.toUpperCase()}${label.slice(1)}: ${percentile(s, workload, 'p50Ms')}; ${percentile(s, workload, 'p99Ms')}.${warn}`;
  });
  return `${RLS} against ${BASELINE_LAYOUT} on the join (${JOIN_QUERY}), change with its 95% interval: ${parts.join(' ')}`;
}
