import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AbSlot } from './ab-plan.js';
import { abVerdict, gateProblem } from './ab-verdict.js';
import type { AbWindow } from './ab-verdict.js';

const slot: AbSlot = { id: 'shared', a: 'shared', b: 'shared' };
const o = { threshold: 0.1, confidence: 0.95 };

function windows(pairs: number, b: (pair: number) => Record<string, number | null>): AbWindow[] {
  const out: AbWindow[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const a = { 'all/p50': 10 + (pair % 2), 'all/p99': 50, 'all/throughput': 100, 'rare/p50': 5, 'rare/p99': 9, 'rare/throughput': 3 };
    for (const [side, values] of [
      ['A', a],
      ['B', { ...a, ...b(pair) }],
    ] as const)
      out.push({ pair, slot: 'shared', side, layout: 'shared', startedAt: '', figures: { valid: true, invalidReasons: [], values } });
  }
  return out;
}

describe('abVerdict over the windows', () => {
  it('A = B: no regression', () => {
    const v = abVerdict(
      [slot],
      windows(5, () => ({})),
      o,
    );
    assert.equal(v.overall, 'no regression');
    assert.deepEqual(
      v.metrics.map((m) => `${m.query} ${m.metric}: ${m.verdict}`),
      ['all P50', 'all P99', 'all throughput', 'rare P50', 'rare P99', 'rare throughput'].map((x) => `${x}: no measurable difference`),
    );
  });
  it('a metric with too few pairs: cannot compare, unless another metric shows a regression', () => {
    assert.equal(
      abVerdict(
        [slot],
        windows(5, (p) => ({ 'rare/p50': p < 3 ? null : 5 })),
        o,
      ).overall,
      'cannot compare',
    );
    const v = abVerdict(
      [slot],
      windows(5, (p) => ({ 'all/p50': (10 + (p % 2)) * 2, 'rare/p50': p < 3 ? null : 5 })),
      o,
    );
    assert.equal(v.overall, 'regression');
  });
  it('an interval across the threshold: inconclusive', () => {
    const v = abVerdict(
      [slot],
      windows(4, (p) => ({ 'all/p50': (10 + (p % 2)) * [1.0, 1.5, 0.9, 1.4][p]! })),
      o,
    );
    assert.equal(v.overall, 'inconclusive');
  });
  it('--gate: only the gated metrics decide; the others are reported, marked not gated', () => {
    // P99 across the threshold (inconclusive), P50 and throughput unchanged.
    const w = windows(4, (p) => ({ 'all/p99': 50 * [1.0, 1.5, 0.9, 1.4][p]! }));
    assert.equal(abVerdict([slot], w, o).overall, 'inconclusive');
    const gated = abVerdict([slot], w, { ...o, gate: ['p50', 'throughput'] });
    assert.equal(gated.overall, 'no regression');
    assert.deepEqual(gated.gate, ['p50', 'throughput']);
    const p99 = gated.metrics.find((m) => m.query === 'all' && m.metric === 'P99')!;
    assert.equal(p99.verdict, 'inconclusive');
    assert.equal(p99.gating, false);
    // A regression in a metric left out of the gate does not fail it; in a gated one it does.
    const slower = windows(5, () => ({ 'all/p99': 100 }));
    assert.equal(abVerdict([slot], slower, { ...o, gate: ['p50'] }).overall, 'no regression');
    assert.equal(abVerdict([slot], slower, { ...o, gate: ['p99'] }).overall, 'regression');
  });
  it('--gate query/metric: one query decides; a gated query no window measured cannot compare', () => {
    // The rare query's P50 regresses by 50%; the whole mix is unchanged.
    const w = windows(5, () => ({ 'rare/p50': 7.5 }));
    assert.equal(abVerdict([slot], w, o).overall, 'regression');
    const onAll = abVerdict([slot], w, { ...o, gate: ['all/p50', 'all/throughput'] });
    assert.equal(onAll.overall, 'no regression');
    assert.deepEqual(
      onAll.metrics.filter((m) => m.gating).map((m) => `${m.query} ${m.metric}`),
      ['all P50', 'all throughput'],
    );
    assert.equal(abVerdict([slot], w, { ...o, gate: ['rare/p50'] }).overall, 'regression');
    const missing = abVerdict([slot], w, { ...o, gate: ['nope/p50'] });
    assert.equal(missing.overall, 'cannot compare');
    assert.match(missing.problems.join(), /--gate nope\/p50: no window measured the query "nope"/);
  });
  it('gateProblem: metrics, query/metric, and what it refuses', () => {
    assert.equal(gateProblem(['p50', 'all/throughput', 'a/b/p99']), null);
    assert.match(gateProblem(['p90'])!, /the metric must be one of p50\|p99\|throughput/);
    assert.match(gateProblem(['/p50'])!, /the query before "\/" is empty/);
    assert.match(gateProblem([])!, /--gate is empty/);
    assert.match(gateProblem(['x/p50'], ['all', 'y'])!, /no query "x" in this comparison \(queries: all, y\)/);
  });
});
