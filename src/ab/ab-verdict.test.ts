import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AbSlot } from './ab-plan.js';
import { abVerdict } from './ab-verdict.js';
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
});
