/**
 * compare with bundles that recorded confidence intervals: a regression only when the whole
 * interval of the change is beyond the threshold (exit 1), "within noise" otherwise (exit 0).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../src/paths.js';
import { runCli, tempDir } from './helpers.js';

const FIXTURE = join(packageRoot(), 'tests', 'fixtures', 'smoke-run');

/** A copy of the fixture where rls's P99 over all queries is `factor` times the fixture's, with intervals of spread logSe. */
function withIntervals(factor: number, logSe: number): string {
  const dir = join(tempDir('tenantbench-cmpci-'), 'run');
  cpSync(FIXTURE, dir, { recursive: true });
  const p = join(dir, 'summary.json');
  const s = JSON.parse(readFileSync(p, 'utf8'));
  const all = s.workload.layouts.rls.all;
  all.p99Ms *= factor;
  const ci = { loMs: all.p99Ms * Math.exp(-1.96 * logSe), hiMs: all.p99Ms * Math.exp(1.96 * logSe), logSe };
  all.intervals = {
    method: 'moving-block-bootstrap',
    confidence: 0.95,
    blockLength: 3,
    blocks: 40,
    resamples: 1000,
    p50Ms: null,
    p99Ms: ci,
  };
  writeFileSync(p, JSON.stringify(s));
  return dir;
}

describe('compare with confidence intervals', () => {
  it('a 30% P99 change inside its 95% interval is within noise: exit 0', async () => {
    const r = await runCli([
      'compare',
      withIntervals(1, 0.15),
      withIntervals(1.3, 0.15),
      '--out',
      join(tempDir('tenantbench-cmpci-'), 'pr.md'),
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /\| rls \| P99 all queries \(ms\) \| [\d.,]+ \| [\d.,]+ \| \+30\.0% \[[-+\d.]+%, \+[\d.]+%\] \| 10% \| within noise/,
    );
  });

  it('a clear 30% P99 regression (narrow intervals): exit 1', async () => {
    const r = await runCli([
      'compare',
      withIntervals(1, 0.02),
      withIntervals(1.3, 0.02),
      '--out',
      join(tempDir('tenantbench-cmpci-'), 'pr.md'),
    ]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /\| rls \| P99 all queries \(ms\) \| [\d.,]+ \| [\d.,]+ \| \+30\.0% \[\+2[\d.]+%, \+3[\d.]+%\] \| 10% \| \*\*REGRESSION\*\*/,
    );
  });
});
