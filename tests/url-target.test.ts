/** --database-url: privileges are checked up front; a superuser URL seeds like the embedded target. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withAdmin } from '../src/db/client.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { UrlTarget } from '../src/target/url-target.js';
import { runCli, tempDir } from './helpers.js';

let server: EmbeddedTarget;
const url = (user: string, password: string) =>
  `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${server.admin.port}/postgres`;

before(async () => {
  server = await EmbeddedTarget.start({ profile: 'test' });
  await withAdmin(server, 'postgres', async (c) => {
    await c.query("CREATE ROLE weak LOGIN PASSWORD 'weak' CREATEDB");
    await c.query("CREATE ROLE weaker LOGIN PASSWORD 'weaker'");
  });
});
after(async () => {
  await server?.stop();
});

describe('url target', () => {
  it('names the missing privilege before doing anything', async () => {
    await assert.rejects(UrlTarget.open(url('weak', 'weak')), /lacks CREATEROLE/);
    await assert.rejects(UrlTarget.open(url('weaker', 'weaker')), /lacks CREATEDB and CREATEROLE/);
  });

  it('fails clearly when the server cannot be reached', async () => {
    await assert.rejects(UrlTarget.open('postgres://x:y@127.0.0.1:1/postgres'), /cannot connect to 127\.0\.0\.1:1\/postgres as x/);
  });

  it('seeds two layouts on an existing server through the CLI and leaves them there', async () => {
    const results = tempDir('tenantbench-res-');
    const r = await runCli([
      'seed',
      '--database-url',
      url(server.admin.user, server.admin.password),
      '--layouts',
      'shared,database',
      '--tenants',
      '3',
      '--rows',
      '900',
      '--scenario',
      'smoke',
      '--results-dir',
      results,
      '--prefix',
      'tu',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /identical across shared, database/);
    const dbs = await withAdmin(server, 'postgres', async (c) =>
      (await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'tu\\_%' ORDER BY 1")).rows.map(
        (x) => x.datname,
      ),
    );
    assert.deepEqual(dbs, ['tu_db_t0001', 'tu_db_t0002', 'tu_db_t0003', 'tu_shared']);
  });
});
