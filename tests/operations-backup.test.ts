/**
 * Backups and restores on a real embedded PostgreSQL with tiny data: every single-tenant backup
 * method restores into a fresh database with the source's checksum; a deliberately truncated
 * backup (a COPY export missing its last row, a custom-format dump cut in half) is reported failed.
 */
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import type { LayoutContext } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { backupLayout, defaultBackupTenants } from '../src/operations/backup/backup-stage.js';
import { clientTools } from '../src/operations/backup/pg-tool.js';
import type { ClientTools } from '../src/operations/backup/pg-tool.js';
import { backupTenant, methodsFor, restoreTenant } from '../src/operations/backup/tenant-backup.js';
import type { OpsEnv, RlsCopyProbe } from '../src/operations/backup/tenant-backup.js';
import { unitOf } from '../src/layouts/unit-of.js';
import { migrateLayout } from '../src/operations/migrations/migrate-stage.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { tinyScenario } from './helpers.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
let env: OpsEnv;
let dir: string;
const LAYOUTS: LayoutName[] = ['shared', 'rls', 'schema', 'database', 'hybrid'];

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  ctx = makeLayoutContext({ target, scenario: tinyScenario(), prefix: 'tbb', serverVersionNum: 150000 });
  for (const name of LAYOUTS) {
    await layoutOf(name).seed(ctx);
    (ctx.seeded as Set<LayoutName>).add(name);
  }
  const tools = clientTools(target, 150000);
  assert.ok(!('reason' in tools), 'pg_dump and pg_restore of major >= 15 are installed');
  env = { ctx, tools: tools as ClientTools, jobs: 2 };
  dir = mkdtempSync(join(tmpdir(), 'tb-backup-test-'));
});

after(async () => {
  await target?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('single-tenant backups', () => {
  for (const name of LAYOUTS) {
    it(`${name}: every method restores into a fresh database with the source checksum and no other tenant's rows`, async () => {
      for (const tenant of defaultBackupTenants(name, ctx)) {
        const unit = unitOf(layoutOf(name), ctx, tenant.slug);
        const methods = methodsFor(unit);
        assert.ok(methods.length >= 1);
        for (const method of methods) {
          const b = await backupTenant(env, unit, tenant, method, dir);
          assert.ok(b.bytes > 0, `${method} wrote bytes`);
          let probe: RlsCopyProbe | null = null;
          const r = await restoreTenant(env, b, (p) => (probe = p));
          assert.equal(r.status, 'ok', `${name} ${tenant.slug} ${method}: ${r.error}`);
          assert.equal(r.rowsLost, 0);
          assert.equal(r.rowsRestored, tenant.rows);
          assert.equal(r.checksumRestored, r.checksumExpected);
          if (unit.pooled) assert.equal(r.foreignRows, 0);
          if (method === 'copy-export' && unit.rlsRole) {
            // PostgreSQL refuses COPY FROM for a role under row level security; the staging path is what worked.
            assert.deepEqual({ refused: probe!.refused, sqlstate: probe!.sqlstate }, { refused: true, sqlstate: '0A000' });
          }
        }
      }
    });
  }

  it('a COPY export missing one row is reported as failed, with the row counted as lost', async () => {
    const tenant = defaultBackupTenants('rls', ctx)[0]!;
    const unit = unitOf(layoutOf('rls'), ctx, tenant.slug);
    const b = await backupTenant(env, unit, tenant, 'copy-export', dir);
    const file = join(b.path, 'order_items.copy');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n`);
    const r = await restoreTenant(env, b);
    assert.equal(r.status, 'failed');
    assert.equal(r.rowsLost, 1);
    assert.notEqual(r.checksumRestored, r.checksumExpected);
    assert.match(r.error ?? '', /order_items/);
  });

  it('a custom-format dump cut in half is reported as failed', async () => {
    const tenant = ctx.plan.tenants[1]!;
    const unit = unitOf(layoutOf('schema'), ctx, tenant.slug);
    const b = await backupTenant(env, unit, tenant, 'schema-dump', dir);
    truncateSync(b.path, Math.floor(statSync(b.path).size / 2));
    const r = await restoreTenant(env, b);
    assert.equal(r.status, 'failed');
    assert.equal(r.rowsRestored, null);
    assert.ok(r.error, 'the error is reported');
  });
});

describe('full backups', () => {
  it("schema: -Fc and -Fd -j 2 of the whole database restore with every tenant's checksum", async () => {
    const b = await backupLayout({ ctx, target }, 'schema', { jobs: 2, tenants: ['t0002'] });
    assert.equal(b.status, 'ok', b.reason ?? '');
    const full = b.artifacts.filter((a) => a.scope === 'full');
    assert.deepEqual(
      full.map((a) => a.method),
      ['pg_dump -Fc', 'pg_dump -Fd -j 2'],
    );
    for (const a of full) {
      assert.equal(a.status, 'ok');
      assert.ok(a.bytes! > 0 && a.seconds! > 0);
      assert.equal(a.restore!.rowsRestored, ctx.plan.rows);
      assert.equal(a.restore!.rowsLost, 0);
    }
  });

  it("hybrid, the headline's verification: -Fc restored without keys and indexes (labelled) keeps every tenant's checksum", async () => {
    const b = await backupLayout({ ctx, target }, 'hybrid', {
      jobs: 2,
      fullFormats: ['custom'],
      firstMethodOnly: true,
      fullRestoreIndexes: false,
    });
    assert.equal(b.status, 'ok', b.reason ?? '');
    const [full, ...rest] = b.artifacts.filter((a) => a.scope === 'full');
    assert.equal(rest.length, 0);
    assert.equal(full!.method, 'pg_dump -Fc');
    assert.equal(full!.status, 'ok');
    assert.equal(
      full!.restore!.method,
      'pg_restore -j 2 --section=pre-data --section=data into fresh databases (restore verified: data, indexes not rebuilt)',
    );
    assert.equal(full!.restore!.rowsRestored, ctx.plan.rows);
    assert.equal(full!.restore!.checksumRestored, full!.restore!.checksumExpected);
  });
});

describe('after migrations, hybrid with the dedicated tier in schemas', () => {
  it('every single-tenant method still restores with the source checksum (version tables included or left out)', async () => {
    const hctx = makeLayoutContext({
      target,
      scenario: tinyScenario({ layoutOptions: { hybrid: { dedicated: 1, placement: 'schema' } } }),
      prefix: 'tbh',
      serverVersionNum: 150000,
    });
    await layoutOf('hybrid').seed(hctx);
    assert.equal((await migrateLayout({ ctx: hctx, target }, 'hybrid', { parallel: 2 })).status, 'ok');
    const henv = { ...env, ctx: hctx };
    for (const tenant of defaultBackupTenants('hybrid', hctx)) {
      const unit = unitOf(layoutOf('hybrid'), hctx, tenant.slug);
      for (const method of methodsFor(unit)) {
        const r = await restoreTenant(henv, await backupTenant(henv, unit, tenant, method, dir));
        assert.equal(r.status, 'ok', `${tenant.slug} ${method}: ${r.error}`);
      }
    }
  });
});
