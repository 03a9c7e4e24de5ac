import type { AbVerdict, MetricVerdict } from './ab-verdict.js';

const pct = (r: number | null) => (r === null ? 'n/a' : `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`);

const HEADLINE: Record<AbVerdict['overall'], string> = {
  regression: 'REGRESSION: B is worse than A beyond the threshold (exit 1)',
  inconclusive: 'INCONCLUSIVE: more windows needed (exit 4)',
  'no regression': 'no regression (exit 0)',
  'cannot compare': 'CANNOT COMPARE (exit 3)',
};

function needed(m: MetricVerdict): string {
  if (m.verdict === 'inconclusive') return m.pairsNeeded === null ? (m.reason ?? '-') : `~${m.pairsNeeded} pairs`;
  return m.verdict === 'cannot compare' ? (m.reason ?? '-') : '-';
}

/**
 * The verdict as Markdown for a pull request or $GITHUB_STEP_SUMMARY: the headline, what A and B
 * were, then one row per slot and metric with the change B/A, its interval and the verdict. Rows
 * that decide the outcome (regression, inconclusive, cannot compare) come first.
 */
export function abMarkdown(
  v: AbVerdict,
  o: { a: string; b: string; pairs: number; settlePairs?: number; orderSeed?: number; windowSeconds: string; note?: string },
): string {
  const lines = [
    `## tenantbench ab: ${HEADLINE[v.overall]}`,
    '',
    `- **A**: ${o.a}`,
    `- **B**: ${o.b}`,
    `- ${o.pairs} pair(s) of windows per slot (${o.windowSeconds}), ABBA order${o.orderSeed === undefined ? '' : ` (order seed ${o.orderSeed}: \`--order-seed ${o.orderSeed}\` reproduces it)`}${o.settlePairs ? `, after ${o.settlePairs} settling pair(s) left out` : ''}; change = geometric mean of B/A over the pairs, ` +
      `${Math.round(v.confidence * 100)}% paired t-interval on the log ratios; threshold ${Math.round(v.threshold * 100)}% ` +
      '(a regression only when the whole interval lies beyond it; "no measurable difference" when the interval contains 0%)',
  ];
  if (v.metrics.some((m) => !m.gating))
    lines.push(`- the verdict is decided by \`--gate ${v.gate.join(',')}\` only; the other rows are reported, marked "not gated"`);
  if (o.note) lines.push(`- ${o.note}`);
  for (const p of v.problems) lines.push(`- cannot compare: ${p}`);
  const rank = (m: MetricVerdict) => (m.gating ? 0 : 10) + (['regression', 'cannot compare', 'inconclusive'].indexOf(m.verdict) + 1 || 9);
  const rows = [...v.metrics].sort((x, y) => rank(x) - rank(y));
  lines.push('', '| slot | query | metric | pairs | B vs A | interval | verdict | to settle |', '|---|---|---|---:|---:|---|---|---|');
  for (const m of rows) {
    const interval = m.lo === null ? 'n/a' : `[${pct(m.lo)}, ${pct(m.hi)}]`;
    const label = !m.gating ? `${m.verdict} (not gated)` : m.verdict === 'regression' ? '**regression**' : m.verdict;
    lines.push(`| ${m.slot} | ${m.query} | ${m.metric} | ${m.pairs} | ${pct(m.ratio)} | ${interval} | ${label} | ${needed(m)} |`);
  }
  return `${lines.join('\n')}\n`;
}
