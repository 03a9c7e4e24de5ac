/**
 * Two runs with the same --database-url and --prefix: the second stops at once with a clear error
 * (exit 1) instead of a raw 23505 halfway through seeding, and creates nothing; a different prefix
 * runs alongside.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { withAdmin } from '../src/db/client.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { runCli, tempDir } from './helpers.js';

let server: EmbeddedTarget;
let holder: pg.Client;
const url = () => `postgres://${server.admin.user}:${encodeURIComponent(server.admin.password)}@127.0.0.1:${server.admin.port}/postgres`;
const seed = (prefix: string) =>
  runCli([
    'seed',
    '--database-url',
    url(),
    '--layouts',
    'shared',
    '--tenants',
    '2',
    '--rows',
    '200',
    '--scenario',
    'smoke',
    '--results-dir',
    tempDir('tenantbench-res-'),
    '--prefix',
    prefix,
    '-q',
  ]);

before(async () => {
  server = await EmbeddedTarget.start({ profile: 'test' });
  // "Another run" holding prefix tc, as lockPrefix would.
  holder = new pg.Client(server.config('postgres'));
  await holder.connect();
  await holder.query("SELECT pg_advisory_lock(x'7462'::int, hashtext('tc'))");
});
after(async () => {
  await holder?.end().catch(() => {});
  await server?.stop();
});

describe('the same --prefix on one server twice', () => {
  it('the second run exits 1 naming the prefix, before creating anything', async () => {
    const r = await seed('tc');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /another tenantbench run is using --prefix tc on 127\.0\.0\.1:\d+/);
    assert.doesNotMatch(r.stderr, /23505/);
    const dbs = await withAdmin(
      server,
      'postgres',
      async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname LIKE 'tc\\_%'")).rowCount,
    );
    assert.equal(dbs, 0);
  });

  it('another prefix runs alongside, and the lock goes with its run', async () => {
    const r = await seed('td');
    assert.equal(r.code, 0, r.stderr);
    const held = await withAdmin(
      server,
      'postgres',
      async (c) => (await c.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = x'7462'::int::oid")).rowCount,
    );
    assert.equal(held, 1, 'only the holder of tc is left');
  });
});
