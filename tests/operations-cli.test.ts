/** The operations commands refuse bad input with exit code 2 before touching a database. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { readJson, runCli, tempDir } from './helpers.js';

describe('operations commands: bad input', () => {
  for (const args of [
    ['migrate', '--parallel', '0'],
    ['migrate', '--steps', 'x'],
    ['backup', '--jobs', '-1'],
    ['backup', '--scenario', 'smoke', '--tenant', 't0099'],
    ['backup', '--scenario', 'smoke', '--tenant', 'acme'],
    ['operations', '--concurrency', '0'],
  ]) {
    it(`${args.join(' ')} exits 2`, async () => {
      const r = await runCli(args, { timeoutMs: 30_000 });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /embedded PostgreSQL/);
    });
  }

  it('--help lists migrate, backup and operations', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['migrate', 'backup', 'operations']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
  });

  it('operations on tiny data writes every operation section into a valid summary.json', async () => {
    const results = tempDir('tb-ops-cli-');
    const r = await runCli(
      [
        'operations',
        '--scenario',
        'smoke',
        '--layouts',
        'rls,schema',
        '--tenants',
        '3',
        '--rows',
        '900',
        '--profile',
        'test',
        '--parallel',
        '2',
        '--concurrency',
        '2',
        '--no-under-load',
        '--results-dir',
        results,
        '-q',
      ],
      { timeoutMs: 240_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const dir = /results: (\S+)/.exec(r.stdout)?.[1];
    assert.ok(dir);
    // biome-ignore lint/suspicious/noExplicitAny: the test reads arbitrary layout fields
    const s = readJson<{ status: string; layouts: Record<string, Record<string, any>> }>(join(dir, 'summary.json'));
    assert.equal(s.status, 'ok');
    for (const name of ['rls', 'schema']) {
      const l = s.layouts[name]!;
      assert.equal(l.migration.status, 'ok');
      assert.equal(l.migration.underLoad.status, 'not measured');
      assert.match(l.migration.underLoad.reason, /--no-under-load/);
      assert.equal(l.backup.status, 'ok');
      assert.ok(l.backup.artifacts.length >= 3);
      assert.equal(l.sizes.detail.perTenant.length, 3);
      assert.equal(l.connections.concurrency, 2);
    }
    assert.ok(s.layouts.schema!.migration.sequential, 'parallel > 1 also measured one tenant at a time');
    assert.equal(s.layouts.rls!.extraction.moves.length, 2);
    assert.equal(s.layouts.rls!.backup.copyFromUnderRls.sqlstate, '0A000');
    assert.equal(s.layouts.schema!.extraction, undefined);
  });
});
