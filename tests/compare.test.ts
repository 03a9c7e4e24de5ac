/** compare as CI uses it: exit 1 on a regression, 0 on the same run, 2 on different environments or bad input. */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../src/paths.js';
import { runCli, tempDir } from './helpers.js';

const FIXTURE = join(packageRoot(), 'tests', 'fixtures', 'smoke-run');

/** A copy of the recorded bundle with `edit` applied to one of its JSON files. */
// biome-ignore lint/suspicious/noExplicitAny: edits reach into arbitrary fields of the recorded JSON
function variant(file: string, edit: (json: any) => void): string {
  const dir = join(tempDir('tenantbench-cmp-'), 'run');
  cpSync(FIXTURE, dir, { recursive: true });
  const p = join(dir, file);
  const json = JSON.parse(readFileSync(p, 'utf8'));
  edit(json);
  writeFileSync(p, JSON.stringify(json));
  return dir;
}

describe('compare', () => {
  it('a run against itself: no regression, exit 0, Markdown written', async () => {
    const out = join(tempDir('tenantbench-cmp-'), 'pr.md');
    const r = await runCli(['compare', FIXTURE, join(FIXTURE, 'summary.json'), '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no regression/);
    assert.equal(readFileSync(out, 'utf8'), r.stdout.split('\nwritten to')[0]);
  });

  it('a synthetic 30% slower seed of one layout: exit 1 and that row flagged', async () => {
    const slower = variant('summary.json', (s) => {
      s.layouts.schema.seed.seconds.total *= 1.3;
    });
    const r = await runCli(['compare', FIXTURE, slower, '--out', join(tempDir('tenantbench-cmp-'), 'pr.md')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /\| schema \| seed time \(s\) \| [\d.]+ \| [\d.]+ \| \+30\.0% \| 25% \| \*\*REGRESSION\*\* \|/);
    assert.match(r.stdout, /1 regression/);
  });

  it("a synthetic 30% P99 regression beyond the repeats' spread: exit 1", async () => {
    const slower = variant('summary.json', (s) => {
      const all = s.workload.layouts.rls.all;
      all.p99Ms *= 1.3;
      all.spread.p99Ms = { min: all.spread.p99Ms.max * 1.3, max: all.spread.p99Ms.max * 1.4, relative: 0.08 };
    });
    const r = await runCli(['compare', FIXTURE, slower, '--out', join(tempDir('tenantbench-cmp-'), 'pr.md')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /\| rls \| P99 all queries \(ms\) \| [\d.,]+ \| [\d.,]+ \| \+30\.0% \| 10% \| \*\*REGRESSION\*\* \|/);
  });

  it("the same 30% P99 change inside the repeats' spread is noise, not a regression: exit 0", async () => {
    const noisy = variant('summary.json', (s) => {
      const all = s.workload.layouts.rls.all;
      all.p99Ms *= 1.3;
      all.spread.p99Ms = { min: all.spread.p99Ms.min, max: all.p99Ms, relative: 0.5 };
    });
    const r = await runCli(['compare', FIXTURE, noisy, '--out', join(tempDir('tenantbench-cmp-'), 'pr.md')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\| rls \| P99 all queries \(ms\) \|.*within noise/);
  });

  it('the same change under a looser threshold passes', async () => {
    const slower = variant('summary.json', (s) => {
      s.layouts.schema.seed.seconds.total *= 1.3;
    });
    const r = await runCli([
      'compare',
      FIXTURE,
      slower,
      '--max-regression',
      'seed=40%',
      '--out',
      join(tempDir('tenantbench-cmp-'), 'pr.md'),
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('refuses runs from different environments (exit 2) unless --allow-env-diff', async () => {
    const other = variant('environment.json', (e) => {
      e.server.settings.shared_buffers.value = '999999';
    });
    let r = await runCli(['compare', FIXTURE, other]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /different environment keys \(shared_buffers: \d+ vs 999999\)/);
    r = await runCli(['compare', FIXTURE, other, '--allow-env-diff', '--out', join(tempDir('tenantbench-cmp-'), 'pr.md')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Environments differ/);
  });

  it('malformed input and bad thresholds exit 2', async () => {
    const broken = variant('summary.json', (s) => {
      delete s.layouts;
    });
    let r = await runCli(['compare', FIXTURE, broken]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does not match the summary schema/);
    r = await runCli(['compare', FIXTURE, FIXTURE, '--max-regression', 'p99=ten']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expected key=N%/);
    r = await runCli(['compare', FIXTURE, FIXTURE, '--max-regression', 'latency=5%']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown key "latency"; allowed: p50, p99, throughput/);
  });
});
