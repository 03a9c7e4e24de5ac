/**
 * A role that is not superuser: what seeding needs on an existing server. The harness owns the
 * tables it creates, and the rls layout forces row level security on its owner, so its checksums
 * (which read every tenant) see no rows unless the role bypasses RLS: CREATEDB + CREATEROLE +
 * BYPASSRLS. As such a role seed, verify, run, migrate and backup work; without BYPASSRLS the role
 * is refused up front, naming the attribute.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withAdmin } from '../src/db/client.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { runCli, shortSmokeScenario, tempDir } from './helpers.js';

let server: EmbeddedTarget;
/** smoke, every layout, with sub-second workload windows (run's and migrate's under-load window). */
const SCENARIO = shortSmokeScenario();
const url = (user: string) => `postgres://${user}:${user}@127.0.0.1:${server.admin.port}/postgres`;
const seed = (user: string, prefix: string) =>
  runCli([
    'seed',
    '--database-url',
    url(user),
    '--tenants',
    '3',
    '--rows',
    '300',
    '--scenario',
    SCENARIO,
    '--results-dir',
    tempDir('tenantbench-res-'),
    '--prefix',
    prefix,
    '-q',
  ]);

before(async () => {
  server = await EmbeddedTarget.start({ profile: 'test' });
  await withAdmin(server, 'postgres', async (c) => {
    await c.query("CREATE ROLE dev LOGIN PASSWORD 'dev' CREATEDB CREATEROLE");
    await c.query("CREATE ROLE ops LOGIN PASSWORD 'ops' CREATEDB CREATEROLE BYPASSRLS");
  });
});
after(async () => {
  await server?.stop();
});

describe('a role that is not superuser', () => {
  it('CREATEDB + CREATEROLE + BYPASSRLS seeds every layout with identical datasets', async () => {
    const r = await seed('ops', 'tns');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /identical across shared, rls, schema, database, hybrid/);
  });

  it('as that role, verify, run, migrate and backup work on what it seeded (--seeded)', async () => {
    const common = [
      '--database-url',
      url('ops'),
      '--tenants',
      '3',
      '--rows',
      '300',
      '--scenario',
      SCENARIO,
      '--prefix',
      'tns',
      '-q',
      '--seeded',
    ];
    const v = await runCli(['verify', ...common, '--results-dir', tempDir('tenantbench-res-')]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /0 leaked/);
    const r = await runCli([
      'run',
      ...common,
      '--results-dir',
      tempDir('tenantbench-res-'),
      '--repeats',
      '1',
      '--duration',
      '0.5',
      '--warmup',
      '0.2',
      '--no-rate-sweep',
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const cmd of ['migrate', 'backup']) {
      const o = await runCli([cmd, ...common, '--results-dir', tempDir('tenantbench-res-')]);
      assert.equal(o.code, 0, `${cmd}: ${o.stdout}${o.stderr}`);
    }
  });

  it('CREATEDB + CREATEROLE alone is refused before anything is created, naming BYPASSRLS', async () => {
    const r = await seed('dev', 'tnd');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /role "dev" lacks BYPASSRLS/);
    const dbs = await withAdmin(
      server,
      'postgres',
      async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname LIKE 'tnd\\_%'")).rowCount,
    );
    assert.equal(dbs, 0);
  });
});
