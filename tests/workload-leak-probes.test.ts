/**
 * `tenantbench run --leak-probes`: read-type leak probes mixed into each measured window through
 * the workload's router. Healthy layouts: probes ran, none leaked, exit 0. A layout broken through
 * the verifier's test hook (rls app role with BYPASSRLS): exit 1, the leak in summary.json and in
 * the printed table. A bad value of the scenario field: exit 2 naming it, no server started.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Summary } from '../src/results/summary-schema.js';
import { summarySchema } from '../src/results/summary-schema.js';
import { readJson, runCli, tempDir, itRefusesBeforeAnyServer } from './helpers.js';

function scenarioFile(workload: string): string {
  const p = join(tempDir('tenantbench-lp-'), 'tiny-leak.yaml');
  writeFileSync(
    p,
    `name: tiny-leak
seed: 7
tenants: { count: 4, sizes: { kind: zipf, s: 1 } }
rows: 2000
workload:
  users: 2
  warmupSeconds: 0.2
  durationSeconds: 1
  repeats: 1
${workload}
`,
  );
  return p;
}

function onlySummary(results: string): Summary {
  const dirs = readdirSync(results);
  assert.equal(dirs.length, 1, dirs.join(', '));
  return summarySchema.parse(readJson<Summary>(join(results, dirs[0]!, 'summary.json')));
}

describe('run --leak-probes: bad input', () => {
  const cases: [string, string, RegExp][] = [
    ['everyMs below 10', '  leakProbes: { enabled: true, everyMs: 0 }', /field "workload\.leakProbes\.everyMs"/],
    ['enabled not a boolean', '  leakProbes: { enabled: "yes" }', /field "workload\.leakProbes\.enabled"/],
    ['unknown field', '  leakProbes: { every: 50 }', /field "workload\.leakProbes\.every": unknown field/],
  ];
  itRefusesBeforeAnyServer(cases.map(([what, block, message]) => [what, () => ['run', '--scenario', scenarioFile(block)], message]));

  it('--help documents --leak-probes', async () => {
    const r = await runCli(['run', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--leak-probes/);
  });
});

describe('run --leak-probes on tiny data', () => {
  it('healthy layouts: probes ran during the measured window, none leaked, exit 0', async () => {
    const results = tempDir('tenantbench-res-');
    // everyMs from the file, enabled from the flag (the flag keeps the file's other fields).
    const file = scenarioFile('  leakProbes: { everyMs: 40 }');
    const r = await runCli(
      ['run', '--scenario', file, '--layouts', 'rls,schema', '--leak-probes', '--profile', 'test', '--results-dir', results, '-q'],
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /\| layout \| leak probes under load \| leaked \|/);
    assert.match(r.stdout, /\| rls \| \d+ \| 0 \| 0 \|/);
    const summary = onlySummary(results);
    assert.equal(summary.status, 'ok');
    for (const layout of ['rls', 'schema'] as const) {
      const lp = summary.workload!.layouts[layout]!.leakProbes!;
      assert.ok(lp, `${layout}: leakProbes recorded`);
      // 1 s at one probe per 40 ms: about 25 on an idle machine, 4 seen with two test files at a
      // time on a busy one (each probe waits for a connection of the loaded pool). The claim is that
      // probes ran inside the measured window and none leaked.
      assert.ok(lp.probes > 0, `${layout}: ${JSON.stringify(lp)}`);
      assert.equal(lp.leaked, 0, `${layout}: ${JSON.stringify(lp)}`);
      assert.equal(lp.rowsOfOtherTenants, 0);
      assert.equal(lp.firstLeak, null);
      // The writes of the mix (create-order) must not be mistaken for other tenants' rows.
      assert.equal(lp.findings, 0, `${layout}: ${JSON.stringify(lp)}`);
    }
  });

  it('a broken layout (rls app role with BYPASSRLS, test hook): exit 1, the leak in summary.json and the table', async () => {
    const results = tempDir('tenantbench-res-');
    const file = scenarioFile('  leakProbes: { enabled: true, everyMs: 40 }');
    const r = await runCli(['run', '--scenario', file, '--layouts', 'rls', '--profile', 'test', '--results-dir', results, '-q'], {
      env: { TENANTBENCH_VERIFY_BREAK: 'rls-bypassrls' },
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /\| rls \| \d+ \| \d+ LEAKED \|/);
    assert.match(r.stderr, /leak probes under load: rows of another tenant seen in rls/);
    const summary = onlySummary(results);
    assert.equal(summary.status, 'failed');
    const lp = summary.workload!.layouts.rls!.leakProbes!;
    assert.ok(lp.leaked > 0 && lp.rowsOfOtherTenants > 0, JSON.stringify(lp));
    assert.ok(lp.firstLeak?.probe.startsWith('read-'), JSON.stringify(lp));
    // The workload itself was measured and kept. Its window may be judged invalid on a busy
    // machine (the pooled total then counts none of it), so the repeat's own count is the claim.
    const repeats = summary.workload!.layouts.rls!.all!.repeats;
    assert.equal(repeats.length, 1, JSON.stringify(repeats));
    assert.ok(repeats[0]!.count > 0, JSON.stringify(repeats));
  });
});
