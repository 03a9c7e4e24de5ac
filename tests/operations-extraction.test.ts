/**
 * Moving a tenant out and counting connections, on a real embedded PostgreSQL with tiny data: the
 * moved copy has the source's checksum and the source keeps its rows (the delete is rolled back);
 * the per-database layout stays under its connection cap while pooled layouts open one connection
 * per concurrent session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { withAdmin } from '../src/db/client.js';
import type { LayoutContext } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { connectionsProbe } from '../src/operations/connections/connections-probe.js';
import { extractionFor } from '../src/operations/extraction/extraction-stage.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { tinyScenario } from './helpers.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
const LAYOUTS: LayoutName[] = ['rls', 'database', 'hybrid'];

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  ctx = makeLayoutContext({ target, scenario: tinyScenario(), prefix: 'tbx', serverVersionNum: 150000 });
  for (const name of LAYOUTS) await layoutOf(name).seed(ctx);
});

after(async () => {
  await target?.stop();
});

async function databases(): Promise<string[]> {
  return withAdmin(target, 'postgres', async (c) =>
    (await c.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname),
  );
}

describe('moving a tenant out', () => {
  it('rls: the largest tenant moves into its own schema and its own database with the same checksum; the source is unchanged', async () => {
    const before_ = await layoutOf('rls').checksums(ctx);
    const e = await extractionFor('rls', ctx);
    assert.ok(e);
    assert.deepEqual(
      e.moves.map((m) => m.to),
      ['schema', 'database'],
    );
    for (const m of e.moves) {
      assert.equal(m.status, 'ok', m.error ?? '');
      assert.equal(m.checksumMoved, m.checksumSource);
      assert.equal(m.rows, ctx.plan.tenants.find((t) => t.slug === m.tenant)!.rows);
      for (const k of ['provision', 'copy', 'index', 'verify', 'delete', 'total'] as const) assert.ok((m.seconds[k] ?? -1) >= 0, k);
    }
    assert.deepEqual(await layoutOf('rls').checksums(ctx), before_);
    assert.ok(!(await databases()).some((d) => d.startsWith('tbx_extract_')), 'the extracted copies are dropped');
  });

  it('hybrid: the largest pooled tenant is promoted to the dedicated placement', async () => {
    const e = await extractionFor('hybrid', ctx);
    assert.ok(e);
    assert.equal(e.moves.length, 1);
    assert.equal(e.moves[0]!.to, 'database');
    assert.equal(e.moves[0]!.status, 'ok', e.moves[0]!.error ?? '');
    assert.equal(e.moves[0]!.checksumMoved, e.moves[0]!.checksumSource);
  });
});

describe('connections', () => {
  it('rls opens one connection per concurrent session; database stays under its cap and reconnects', async () => {
    const rls = await connectionsProbe('rls', ctx, { concurrency: 4 });
    assert.equal(rls.peakOpen, 4);
    assert.equal(rls.sessions, rls.concurrency * Math.max(4, Math.ceil((2 * ctx.plan.tenants.length) / 4)));
    const db = await connectionsProbe('database', ctx, { concurrency: 4 });
    const cap = ctx.scenario.layoutOptions.database.maxConnections;
    assert.ok(db.peakOpen <= cap, `${db.peakOpen} <= ${cap}`);
    assert.ok(db.opened > db.peakOpen, 'tenants beyond the cap cost new connections');
    assert.ok(db.serverBackends === null || db.serverBackends <= cap);
  });
});
