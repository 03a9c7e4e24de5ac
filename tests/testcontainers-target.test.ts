/**
 * --target testcontainers. This project's machines have a docker client but no engine, so here
 * the test proves the clear "no Docker engine" failure; where an engine exists it seeds for real.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, tempDir } from './helpers.js';

async function dockerEngine(): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

describe('testcontainers target', () => {
  it('without a Docker engine: exit 1 with a message saying so and what to use instead', async (t) => {
    if (await dockerEngine()) {
      t.skip('a Docker engine is reachable here: the no-engine message cannot be shown');
      return;
    }
    const r = await runCli(['seed', '--target', 'testcontainers', '--scenario', 'smoke', '--results-dir', tempDir('tenantbench-res-')]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /--target testcontainers needs a Docker engine, and none is reachable .*use --target embedded \(the default\) or --database-url/,
    );
  });

  it('with a Docker engine: seeds the smoke scenario in a pinned PostgreSQL container', async (t) => {
    if (!(await dockerEngine())) {
      t.skip('no Docker engine on this machine (only the docker client): the container path is not exercised here');
      return;
    }
    const r = await runCli(
      ['seed', '--target', 'testcontainers', '--scenario', 'smoke', '--profile', 'test', '--results-dir', tempDir('tenantbench-res-')],
      { timeoutMs: 600_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /identical across shared, rls, schema, database, hybrid/);
  });
});
