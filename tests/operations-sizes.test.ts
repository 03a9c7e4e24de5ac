/**
 * Sizes on a real embedded PostgreSQL with tiny data: per-tenant bytes add up to the layout's
 * totals, and tenant relations + catalogs + other relations add up to what pg_database_size reports
 * (up to the few files that are not relations).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { withAdmin } from '../src/db/client.js';
import type { LayoutContext } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { sizesDetail } from '../src/operations/sizes/sizes-detail.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { tinyScenario } from './helpers.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
const LAYOUTS: LayoutName[] = ['rls', 'schema', 'database', 'hybrid'];
/** Files in a database directory that are not relations: PG_VERSION, pg_filenode.map, the relcache init file. */
const NON_RELATION_SLACK = 1024 * 1024;

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  ctx = makeLayoutContext({ target, scenario: tinyScenario(), prefix: 'tbs', serverVersionNum: 150000 });
  for (const name of LAYOUTS) await layoutOf(name).seed(ctx);
});

after(async () => {
  await target?.stop();
});

describe('sizes', () => {
  for (const name of LAYOUTS) {
    it(`${name}: per-tenant and per-database sizes add up to what PostgreSQL reports`, async () => {
      const base = await layoutOf(name).sizes(ctx);
      const d = await sizesDetail(name, ctx);
      assert.equal(d.perTenant.length, ctx.plan.tenants.length);
      for (const t of ctx.plan.tenants) assert.equal(d.perTenant.find((x) => x.tenant === t.slug)?.rows, t.rows, t.slug);
      // The databases: pg_database_size = every relation's files + a few non-relation files.
      assert.equal(
        d.perDatabase.reduce((a, x) => a + x.databaseBytes, 0),
        base.databaseBytes,
      );
      for (const db of d.perDatabase) {
        const direct = await withAdmin(target, db.db, async (c) =>
          Number((await c.query('SELECT pg_database_size(current_database()) AS b')).rows[0]!.b),
        );
        assert.equal(db.databaseBytes, direct);
        assert.ok(db.otherBytes >= 0 && db.otherBytes < NON_RELATION_SLACK, `${db.db}: ${db.otherBytes} bytes outside relations`);
        assert.ok(db.tenantBytes + db.catalogBytes <= db.relationBytes, `${db.db}: tenant + catalog <= all relations`);
        assert.ok(db.catalogBytes > 0 && db.pgClassRows > 0);
      }
      assert.equal(
        d.perDatabase.reduce((a, x) => a + x.tenantBytes, 0),
        base.tableBytes + base.indexBytes + base.toastBytes,
      );
      // Own tables: the tenants' bytes are the layout's bytes, exactly.
      const own = d.perTenant.filter((t) => !t.pooled);
      if (name === 'schema' || name === 'database') {
        assert.equal(own.length, ctx.plan.tenants.length);
        assert.equal(
          own.reduce((a, t) => a + t.totalBytes!, 0),
          base.tableBytes + base.indexBytes + base.toastBytes,
        );
      }
      for (const t of d.perTenant) {
        assert.ok(t.dataBytes > 0);
        if (t.pooled) assert.equal(t.totalBytes, null, 'pooled tenants have no separable table bytes');
        else assert.equal(t.totalBytes, t.tableBytes! + t.indexBytes! + t.toastBytes!);
      }
      assert.equal(d.catalogMemory.status, 'ok');
      if (d.catalogMemory.status === 'ok') assert.ok(d.catalogMemory.cacheBytesAfter >= d.catalogMemory.cacheBytesBefore);
    });
  }

  it('schema: touching every tenant schema in one backend grows its catalog cache', async () => {
    const d = await sizesDetail('schema', ctx);
    assert.ok(
      d.catalogMemory.status === 'ok' && d.catalogMemory.backends === 1 && d.catalogMemory.relationsTouched === 4 * ctx.plan.tenants.length,
    );
    if (d.catalogMemory.status === 'ok') assert.ok(d.catalogMemory.cacheBytesAfter > d.catalogMemory.cacheBytesBefore);
  });
});
