/** The operations commands refuse bad input with exit code 2 before touching a database. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './helpers.js';

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
});
