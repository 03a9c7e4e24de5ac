import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../paths.js';
import type { Summary } from '../results/summary-schema.js';
import { formatInterval, formatRatio } from './format-cell.js';
import { loadResults } from './load-results.js';
import { workloadSection } from './workload-section.js';

const smoke = () => loadResults(join(packageRoot(), 'tests', 'fixtures', 'smoke-run')).summary;

/** The fixture with P50/P99 intervals of spread logSe on every layout's "all queries", rls's P50 `factor` times shared's. */
function withIntervals(s: Summary, logSe: number, factor: number): Summary {
  const copy = structuredClone(s);
  for (const [name, w] of Object.entries(copy.workload!.layouts)) {
    if (!w?.all) continue;
    w.all.valid = true;
    w.all.p50Ms = name === 'rls' ? 10 * factor : 10;
    const ci = (v: number) => ({ loMs: v * 0.9, hiMs: v * 1.1, logSe });
    w.all.intervals = {
      method: 'moving-block-bootstrap',
      confidence: 0.95,
      blockLength: 2,
      blocks: 20,
      resamples: 1000,
      p50Ms: ci(w.all.p50Ms),
      p99Ms: null,
    };
  }
  return copy;
}

const allRow = (s: Summary, layout: string) =>
  workloadSection(s)!.tables[0]!.rows.find((r) => r.layout === layout && r.query === '(all queries)')!;

describe('per-query table with confidence intervals', () => {
  it('shows the interval and the change against shared; "no measurable difference" when the interval contains none', () => {
    const noisy = withIntervals(smoke(), 0.1, 1.05);
    assert.equal(allRow(noisy, 'rls').p50Ci, '[9.45, 11.55]');
    assert.match(String(allRow(noisy, 'rls').p50VsShared), /^no measurable difference \(\+5\.0% \[-[\d.]+%, \+[\d.]+%\]\)$/);
    assert.equal(allRow(noisy, 'shared').p50VsShared, 'baseline');
    const clear = withIntervals(smoke(), 0.02, 1.3);
    assert.match(String(allRow(clear, 'rls').p50VsShared), /^\+30\.0% \[\+2[\d.]+%, \+3[\d.]+%\]$/);
  });

  it('keeps the table as it was for bundles without intervals', () => {
    const t = workloadSection(smoke())!.tables[0]!;
    assert.ok(!t.columns.some((c) => c.key === 'p50Ci'));
  });

  it('formats a value with its interval', () => {
    assert.equal(formatInterval(12.3, { loMs: 11.8, hiMs: 13.1 }), '12.30 [11.80, 13.10]');
    assert.equal(formatInterval(12.3, null), '12.30');
    assert.equal(formatRatio({ ratio: 0.8, lo: 0.7, hi: 0.9 }), '-20.0% [-30.0%, -10.0%]');
  });
});
