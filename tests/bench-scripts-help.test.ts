/**
 * The bench scripts' command lines (bench/args.ts), run as they are run: --help prints the usage and
 * exits 0, an unknown option or a bad value exits 2 with a message naming it, and neither starts a
 * server (no embedded PostgreSQL, well under a second or two each).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../src/paths.js';

const script = (name: string, args: string[]) => {
  const r = spawnSync(process.execPath, [join(packageRoot(), 'dist', 'bench', `${name}.js`), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.doesNotMatch(r.stdout + r.stderr, /embedded PostgreSQL|initdb|listening/i, 'no server started');
  return r;
};

describe('bench scripts: --help and bad options, before any server', () => {
  it('fidelity --help prints its usage and exits 0', () => {
    const r = script('fidelity', ['--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^usage: npm run bench:fidelity -- \[--quick\]/);
    assert.match(r.stdout, /--closed-only: the closed loop only/);
  });
  it('fidelity with a bad --threads value exits 2 naming the option and the allowed values', () => {
    const r = script('fidelity', ['--quick', '--threads', '1,zero']);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /bad value for --threads: '1,zero' \(allowed: a comma-separated list, each a whole number > 0/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
  it('seed-vs-copy --help prints its usage; an unknown option exits 2 naming it and the options there are', () => {
    const help = script('seed-vs-copy', ['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^usage: npm run bench:seed -- \[--rows 10000000\]/);
    const unknown = script('seed-vs-copy', ['--row', '10']);
    assert.equal(unknown.status, 2, unknown.stdout + unknown.stderr);
    assert.match(unknown.stderr, /Unknown option '--row'; the options are --rows, --tenants, --layouts, --profile, --concurrency, --help/);
  });
});
