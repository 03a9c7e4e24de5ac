/**
 * compare as CI uses it: exit 1 on a regression, 0 on the same run, 3 when either run failed, was
 * interrupted or lacks a metric the other has, 2 on different environments or bad input.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
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

  const pr = () => join(tempDir('tenantbench-cmp-'), 'pr.md');

  it('a failed current run (server stopped mid-way) cannot pass: exit 3, either way round', async () => {
    const failed = variant('summary.json', (s) => {
      s.status = 'failed';
      s.error = 'connect ECONNREFUSED 127.0.0.1:5432';
      for (const l of Object.values(s.workload.layouts) as { all: { valid: boolean } }[]) l.all.valid = false;
    });
    let r = await runCli(['compare', FIXTURE, failed, '--out', pr()]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /## tenantbench: cannot compare/);
    assert.match(r.stdout, /current run failed: connect ECONNREFUSED/);
    assert.match(r.stderr, /cannot compare: current run failed/);
    r = await runCli(['compare', failed, FIXTURE, '--out', pr()]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /baseline run failed/);
  });

  it('an interrupted or unfinished run cannot pass: exit 3', async () => {
    const interrupted = variant('summary.json', (s) => {
      s.status = 'interrupted';
      s.error = 'interrupted by SIGINT';
    });
    let r = await runCli(['compare', FIXTURE, interrupted, '--out', pr()]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /current run interrupted: interrupted by SIGINT/);
    const unfinished = variant('summary.json', (s) => {
      s.finishedAt = null;
    });
    r = await runCli(['compare', FIXTURE, unfinished, '--out', pr()]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /current run did not finish/);
  });

  it('a metric in one run only cannot pass: exit 3 naming it', async () => {
    const noSeed = variant('summary.json', (s) => {
      s.layouts.schema.seed = null;
    });
    const r = await runCli(['compare', FIXTURE, noSeed, '--out', pr()]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /1 metric measured in one run only \(schema seed time: not in current\)/);
    assert.match(r.stdout, /\| schema \| seed time \(s\) \|.*not comparable \(not in current\)/);
  });

  it('a failed layout cannot pass: exit 3', async () => {
    const failedLayout = variant('summary.json', (s) => {
      s.layouts.rls.status = 'failed';
      s.layouts.rls.reason = 'datasets differ';
    });
    const r = await runCli(['compare', failedLayout, FIXTURE, '--out', pr()]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /baseline layout rls failed: datasets differ/);
  });

  it('cannot compare wins over a regression (exit 3, the regression still listed)', async () => {
    const both = variant('summary.json', (s) => {
      s.status = 'failed';
      s.error = 'boom';
      s.layouts.schema.seed.seconds.total *= 1.3;
    });
    const r = await runCli(['compare', FIXTURE, both, '--out', pr()]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /cannot compare \(1 regression among what both runs measured\)/);
    assert.match(r.stdout, /\*\*REGRESSION\*\*/);
  });

  it('--out to an unusable path is bad input: exit 2 naming it, fast, nothing written', async () => {
    const dir = tempDir('tenantbench-cmp-');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const out of ['/proc/tenantbench/pr.md', join(file, 'pr.md'), dir]) {
      const started = Date.now();
      const r = await runCli(['compare', FIXTURE, FIXTURE, '--out', out], { timeoutMs: 20_000 });
      assert.equal(r.code, 2, `${out}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /--out /);
      assert.ok(r.stderr.includes(out), r.stderr);
      assert.ok(Date.now() - started < 15_000);
    }
    assert.equal(existsSync('/proc/tenantbench'), false);
  });
});
