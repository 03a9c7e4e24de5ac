import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedResults } from '../report/load-results.js';
import { bundleWindows } from './bundle-windows.js';

const q = (p50: number) => ({ p50Ms: p50, p99Ms: p50 * 3, throughputPerS: 1000 / p50 });
function run(dir: string, status: string, layouts: Record<string, number>): LoadedResults {
  const l = Object.fromEntries(
    Object.entries(layouts).map(([name, p50]) => [
      name,
      { status: 'ok', reason: null, valid: true, invalidReasons: [], queries: { 'point-lookup': q(p50) }, all: q(p50) },
    ]),
  );
  return { dir, runId: dir, environment: null, summary: { status, startedAt: dir, workload: { layouts: l } } } as unknown as LoadedResults;
}

describe('ab --a-runs/--b-runs: windows from one-repeat bundles', () => {
  it('run i of A pairs with run i of B, one slot per layout every bundle measured', () => {
    const { slots, windows } = bundleWindows(
      [run('a1', 'ok', { shared: 2, rls: 3 }), run('a2', 'ok', { shared: 2, rls: 3 })],
      [run('b1', 'ok', { shared: 2.2 }), run('b2', 'ok', { shared: 2.4, rls: 1 })],
    );
    assert.deepEqual(
      slots.map((s) => s.id),
      ['shared'],
    );
    assert.deepEqual(
      windows.map((w) => `${w.side}${w.pair} ${w.slot} ${w.figures.values['all/p50']}`),
      ['A0 shared 2', 'A1 shared 2', 'B0 shared 2.2', 'B1 shared 2.4'],
    );
  });
  it('unequal counts: exit 2; a failed run: cannot compare (exit 3)', () => {
    assert.throws(
      () => bundleWindows([run('a1', 'ok', { shared: 2 })], []),
      (e: Error & { exitCode?: number }) => e.exitCode === 2,
    );
    assert.throws(
      () => bundleWindows([run('a1', 'ok', { shared: 2 })], [run('b1', 'failed', { shared: 2 })]),
      (e: Error & { exitCode?: number }) => e.exitCode === 3 && /b1 is failed/.test(e.message),
    );
  });
});
