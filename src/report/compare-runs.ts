/**
 * Compare two results bundles: per layout and metric, the change and whether it exceeds its
 * threshold. Uses the 95% confidence interval of the change when both runs recorded one (see
 * compare-interval.ts), else the repeats' spread when a metric has one, so noise alone does not fail a
 * build; refuses bundles from different environments unless told otherwise.
 */
import { UsageError } from '../errors.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { LoadedResults } from './load-results.js';
import { compareBounded } from './capacity-compare.js';
import { METRICS } from './compare-metrics.js';
import { intervalVerdict } from './compare-interval.js';
import { formatChangeInterval } from './format-cell.js';
import type { ComparisonRow } from './comparison-row.js';
import { metricVerdict } from './metric-verdict.js';

export type { ComparisonRow, MetricDef, MetricValue, Verdict } from './comparison-row.js';
export { METRICS } from './compare-metrics.js';

/** Default allowed regression per threshold key, in percent. */
export const DEFAULT_THRESHOLDS: Record<string, number> = {
  p50: 10,
  p99: 10,
  throughput: 5,
  migration: 20,
  backup: 20,
  seed: 25,
  size: 10,
  capacity: 10,
};

export function parseThresholds(text: string | undefined): Record<string, number> {
  const out = { ...DEFAULT_THRESHOLDS };
  if (!text) return out;
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9]+)=(\d+(?:\.\d+)?)%?$/.exec(part);
    if (!m) throw new UsageError(`--max-regression "${part}": expected key=N% (e.g. p99=10%)`, 'max-regression');
    if (!(m[1]! in DEFAULT_THRESHOLDS)) {
      throw new UsageError(
        `--max-regression: unknown key "${m[1]}"; allowed: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}`,
        'max-regression',
      );
    }
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** What must match for two runs to be compared: server, settings that matter, machine, scenario, data. */
export function environmentKey(r: LoadedResults): Record<string, string> {
  const env = r.environment;
  const settings = env?.server?.settings ?? {};
  const key: Record<string, string> = {
    postgres: String(env?.server?.versionNum ?? r.summary.target.serverVersion ?? 'unknown'),
    cpus: String(env?.machine?.cpus ?? 'unknown'),
    memoryGiB: env?.machine?.memoryBytes ? String(Math.round(env.machine.memoryBytes / 2 ** 30)) : 'unknown',
    scenario: `${r.summary.scenario.name}/${r.summary.scenario.tenants}/${r.summary.scenario.rows}/${r.summary.scenario.seed}`,
    datasetChecksum: r.summary.dataset.checksum ?? 'unknown',
  };
  for (const k of ['shared_buffers', 'work_mem', 'max_connections', 'fsync', 'synchronous_commit', 'full_page_writes', 'jit']) {
    key[k] = settings[k]?.value ?? 'unknown';
  }
  return key;
}

export interface Comparison {
  baseline: string;
  current: string;
  envDiff: { key: string; baseline: string; current: string }[];
  rows: ComparisonRow[];
  regressions: number;
  /**
   * Why the gate cannot pass whatever the numbers say: a run that failed, was interrupted or did
   * not finish, a layout that failed, or a metric measured in one run and missing in the other.
   * Empty when the comparison is complete.
   */
  incomplete: string[];
}

/** Reasons a run cannot serve as either side of a gate (its status, and its layouts' statuses). */
function runProblems(side: 'baseline' | 'current', r: LoadedResults): string[] {
  const out: string[] = [];
  const s = r.summary;
  if (s.status !== 'ok') out.push(`${side} run ${s.status}${s.error ? `: ${s.error}` : ''}`);
  else if (s.finishedAt === null) out.push(`${side} run did not finish (no finishedAt)`);
  for (const [layout, l] of Object.entries(s.layouts)) {
    if (l?.status === 'failed') out.push(`${side} layout ${layout} failed${l.reason ? `: ${l.reason}` : ''}`);
  }
  for (const [layout, w] of Object.entries(s.workload?.layouts ?? {})) {
    if (w?.status === 'failed') out.push(`${side} workload of ${layout} failed${w.reason ? `: ${w.reason}` : ''}`);
  }
  return out;
}

export function compareRuns(
  base: LoadedResults,
  cur: LoadedResults,
  thresholds: Record<string, number>,
  opts: { allowEnvDiff?: boolean } = {},
): Comparison {
  const kb = environmentKey(base);
  const kc = environmentKey(cur);
  const envDiff = Object.keys({ ...kb, ...kc })
    .filter((k) => kb[k] !== kc[k])
    .map((k) => ({ key: k, baseline: kb[k] ?? 'missing', current: kc[k] ?? 'missing' }));
  if (envDiff.length && !opts.allowEnvDiff) {
    throw new UsageError(
      `the runs have different environment keys (${envDiff.map((d) => `${d.key}: ${d.baseline} vs ${d.current}`).join('; ')}); ` +
        'their numbers are not comparable. Pass --allow-env-diff to compare anyway.',
      'environment',
    );
  }
  const layouts = [...new Set([...Object.keys(base.summary.layouts), ...Object.keys(cur.summary.layouts)])] as LayoutName[];
  const rows: ComparisonRow[] = [];
  for (const layout of layouts) {
    for (const m of METRICS) {
      const b = m.value(base, layout);
      const c = m.value(cur, layout);
      const thresholdPct = thresholds[m.threshold] ?? 0;
      if (!b || !c || b.value === 0) {
        if (b || c) {
          rows.push({
            layout,
            metric: m.label,
            unit: m.unit,
            baseline: b?.value ?? null,
            current: c?.value ?? null,
            changePct: null,
            thresholdPct,
            verdict: 'not comparable',
            note: !b ? 'not in baseline' : !c ? 'not in current' : 'baseline is 0',
          });
        }
        continue;
      }
      if (b.bound || c.bound) {
        rows.push(compareBounded(layout, m, b, c, thresholdPct));
        continue;
      }
      const iv = intervalVerdict(m, b, c, thresholdPct);
      if (iv) {
        const raw = ((c.value - b.value) / b.value) * 100;
        rows.push({ layout, metric: m.label, unit: m.unit, baseline: b.value, current: c.value, changePct: raw, thresholdPct, ...iv });
        continue;
      }
      const { changePct, verdict, note } = metricVerdict(b, c, m.better, thresholdPct);
      rows.push({
        layout,
        metric: m.label,
        unit: m.unit,
        baseline: b.value,
        current: c.value,
        changePct,
        thresholdPct,
        verdict,
        note,
      });
    }
  }
  const missing = rows.filter((r) => r.note === 'not in baseline' || r.note === 'not in current');
  const incomplete = [
    ...runProblems('baseline', base),
    ...runProblems('current', cur),
    ...(missing.length
      ? [
          `${missing.length} metric${missing.length > 1 ? 's' : ''} measured in one run only (${missing
            .slice(0, 5)
            .map((r) => `${r.layout} ${r.metric}: ${r.note}`)
            .join('; ')}${missing.length > 5 ? '; ...' : ''})`,
        ]
      : []),
  ];
  return {
    baseline: base.runId,
    current: cur.runId,
    envDiff,
    rows,
    regressions: rows.filter((r) => r.verdict === 'regression').length,
    incomplete,
  };
}

export function comparisonMarkdown(c: Comparison): string {
  const fmt = (v: number | null) => (v === null ? 'n/a' : v.toLocaleString('en-US', { maximumFractionDigits: 3 }));
  const regressions = c.regressions ? `${c.regressions} regression${c.regressions > 1 ? 's' : ''}` : 'no regression';
  const lines = [
    `## tenantbench: ${c.incomplete.length ? `cannot compare (${regressions} among what both runs measured)` : regressions}`,
    '',
    `Baseline \`${c.baseline}\`, current \`${c.current}\`.`,
    '',
  ];
  if (c.incomplete.length) {
    lines.push('> **The gate cannot pass:**', ...c.incomplete.map((w) => `> - ${w}`), '');
  }
  if (c.envDiff.length) {
    lines.push(
      `> Environments differ (compared anyway with --allow-env-diff): ${c.envDiff.map((d) => `${d.key} ${d.baseline} → ${d.current}`).join(', ')}.`,
      '',
    );
  }
  lines.push('| layout | metric | baseline | current | change | allowed | verdict |', '|---|---|---:|---:|---:|---:|---|');
  for (const r of c.rows) {
    const change = r.changePct === null ? 'n/a' : formatChangeInterval(r.changePct, r.changeInterval);
    const verdict = r.verdict === 'regression' ? '**REGRESSION**' : r.verdict;
    lines.push(
      `| ${r.layout} | ${r.metric} (${r.unit}) | ${fmt(r.baseline)} | ${fmt(r.current)} | ${change} | ${r.thresholdPct}% | ${verdict}${r.note ? ` (${r.note})` : ''} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
