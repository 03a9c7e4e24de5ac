/** src/db against a real server: every connection it opens gets the session settings; COPY streams; the readiness wait. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { connect, SESSION_SETTINGS_SQL, withAdmin, withClient } from '../src/db/client.js';
import { copyFrom, copyTo } from '../src/db/copy.js';
import { createPool } from '../src/db/pool.js';
import { Wait } from '../src/db/readiness.js';
import type { Queryable } from '../src/db/types.js';
import { EmbeddedTarget, freePort } from '../src/target/embedded-target.js';
import { captureEnvironment } from '../src/target/environment.js';

let target: EmbeddedTarget;

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
});

after(async () => {
  await target?.stop();
});

async function settings(c: Queryable): Promise<{ tz: string; ds: string; efd: string }> {
  const r = await c.query<{ tz: string; ds: string; efd: string }>(
    "SELECT current_setting('TimeZone') AS tz, current_setting('DateStyle') AS ds, current_setting('extra_float_digits') AS efd",
  );
  return r.rows[0]!;
}

const EXPECTED = { tz: 'UTC', ds: 'ISO, YMD', efd: '1' };

describe('db connections', () => {
  it('connect, withClient and withAdmin apply the session settings', async () => {
    assert.match(SESSION_SETTINGS_SQL, /TimeZone/);
    const c = await connect(target.config('postgres'));
    try {
      assert.deepEqual(await settings(c), EXPECTED);
    } finally {
      await c.end();
    }
    assert.deepEqual(await withClient(target.config('postgres'), settings), EXPECTED);
    assert.deepEqual(await withAdmin(target, 'postgres', settings), EXPECTED);
  });

  it('a pool applies them on every connection it opens', async () => {
    const pool = createPool(target.config('postgres'), { max: 2 });
    try {
      const a = await pool.connect();
      const b = await pool.connect();
      assert.deepEqual(await settings(a), EXPECTED);
      assert.deepEqual(await settings(b), EXPECTED);
      a.release();
      b.release();
    } finally {
      await pool.end();
    }
  });

  it('without them a connection keeps the server defaults (the embedded server already runs in UTC)', async () => {
    const c = await connect(target.config('postgres'), { sessionSettings: false });
    try {
      const s = await settings(c);
      assert.equal(s.tz, 'UTC');
      assert.equal(s.ds, 'ISO, MDY');
    } finally {
      await c.end();
    }
  });

  it('the environment capture still records the server-configured TimeZone', async () => {
    const env = await captureEnvironment(target, { autogroup: null, harnessAutogroupNice: null, warning: null });
    assert.equal(env.server.settings.TimeZone?.value, 'UTC');
    assert.notEqual(env.server.settings.TimeZone?.source, 'session');
  });

  it('COPY streams move rows out of and into the server', async () => {
    await withAdmin(target, 'postgres', async (c) => {
      await c.query('CREATE TEMP TABLE copy_src (id int, t text); CREATE TEMP TABLE copy_dst (id int, t text)');
      await c.query("INSERT INTO copy_src SELECT g, 'row ' || g FROM generate_series(1, 500) g");
      const buf = new PassThrough();
      const out: Buffer[] = [];
      buf.on('data', (d: Buffer) => out.push(d));
      await pipeline(copyTo(c, 'COPY copy_src TO STDOUT'), buf);
      const data = Buffer.concat(out);
      assert.equal(data.toString().split('\n').filter(Boolean).length, 500);
      const source = new PassThrough();
      source.end(data);
      await pipeline(source, copyFrom(c, 'COPY copy_dst FROM STDIN'));
      const r = await c.query<{ n: string; s: string }>('SELECT count(*)::text AS n, sum(id)::text AS s FROM copy_dst');
      assert.deepEqual(r.rows[0], { n: '500', s: String((500 * 501) / 2) });
    });
  });

  it('the readiness wait says ready for a running server and times out on a closed port', async () => {
    assert.deepEqual(await Wait.forQuery(target.config('postgres')).waitUntilReady(), { ready: true });
    const closed = { ...target.config('postgres'), port: await freePort() };
    const r = await Wait.forQuery(closed).withStartupTimeout(300).withPollInterval(50).waitUntilReady();
    assert.equal(r.ready === false && r.reason, 'timeout');
    assert.match(String((r as { lastError?: Error }).lastError?.message), /ECONNREFUSED/);
  });
});
