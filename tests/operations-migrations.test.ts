/**
 * Migrations across tenants on a real embedded PostgreSQL with tiny data: every unit reaches the
 * same version with each change present; a tenant whose data violates a constraint is left
 * unchanged while the others migrate, and a re-run after fixing the data completes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DbClient } from '../src/db/types.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { withAdmin } from '../src/db/client.js';
import { ident } from '../src/db/sql.js';
import type { LayoutContext, TableChecksums } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { migrateLayout } from '../src/operations/migrations/migrate-stage.js';
import { migrationNames } from '../src/operations/migrations/migration-runner.js';
import type { TableUnit } from '../src/layouts/layout.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { tinyScenario } from './helpers.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
let failCtx: LayoutContext;
let seqCtx: LayoutContext;
const LAYOUTS: LayoutName[] = ['rls', 'schema', 'database', 'hybrid'];
const before_ = new Map<LayoutName, Map<string, TableChecksums>>();

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  ctx = makeLayoutContext({ target, scenario: tinyScenario(), prefix: 'tbm', serverVersionNum: 150000 });
  for (const name of LAYOUTS) {
    await layoutOf(name).seed(ctx);
    before_.set(name, await layoutOf(name).checksums(ctx));
  }
  failCtx = makeLayoutContext({ target, scenario: tinyScenario(), prefix: 'tbf', serverVersionNum: 150000 });
  await layoutOf('schema').seed(failCtx);
  seqCtx = makeLayoutContext({ target, scenario: tinyScenario(), prefix: 'tbq', serverVersionNum: 150000 });
  await layoutOf('schema').seed(seqCtx);
});

after(async () => {
  await target?.stop();
});

/** What each migration leaves behind, checked in one unit. */
async function hasChange(c: DbClient, u: TableUnit, step: number): Promise<boolean> {
  const col = async (table: string, column: string) =>
    (
      await c.query('SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3', [
        u.schema,
        table,
        column,
      ])
    ).rows[0]?.data_type as string | undefined;
  switch (step) {
    case 1:
      return (await col('orders', 'external_ref')) === 'text';
    case 2:
      return (await col('customers', 'lifecycle')) === 'text';
    case 3:
      return (await col('order_items', 'quantity')) === 'bigint';
    case 4:
      return (
        (
          await c.query(
            "SELECT 1 FROM pg_constraint WHERE conname = 'orders_total_nonnegative' AND convalidated AND connamespace = $1::regnamespace",
            [ident(u.schema)],
          )
        ).rowCount === 1
      );
    case 5:
      return (
        (
          await c.query('SELECT 1 FROM pg_index WHERE indexrelid = to_regclass($1) AND indisvalid', [
            `${ident(u.schema)}.orders_status_created_idx`,
          ])
        ).rowCount === 1
      );
    default:
      throw new Error(`no step ${step}`);
  }
}

async function unitVersion(c: DbClient, u: TableUnit): Promise<number> {
  const r = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(u.schema)}.tenantbench_migrations`);
  return r.rows[0]!.n;
}

describe('migrations across tenants', () => {
  it('the migration set has the five kinds of change, in order', () => {
    assert.deepEqual(migrationNames(), [
      '001_add_nullable_column',
      '002_add_column_with_default',
      '003_change_column_type',
      '004_add_constraint',
      '005_create_index_concurrently',
    ]);
  });

  for (const name of LAYOUTS) {
    it(`${name}: each migration leaves every unit at the same version with the change present, data unchanged`, async () => {
      const steps = migrationNames().length;
      for (let step = 1; step <= steps; step++) {
        const m = await migrateLayout({ ctx, target }, name, { count: 1, parallel: 2 });
        assert.equal(m.status, 'ok', JSON.stringify(m.perUnit.filter((u) => u.status !== 'ok')));
        assert.equal(m.unitsAtTarget, m.units);
        const units = layoutOf(name).tableUnits(ctx);
        assert.equal(m.units, units.length);
        if (name === 'schema' || name === 'database') assert.equal(units.length, ctx.plan.tenants.length);
        for (const u of units) {
          await withAdmin(target, u.db, async (c) => {
            assert.equal(await unitVersion(c, u), step, `${u.key} version after step ${step}`);
            assert.ok(await hasChange(c, u, step), `${u.key} has the change of step ${step}`);
            if (step < steps) assert.ok(!(await hasChange(c, u, step + 1)), `${u.key} does not have step ${step + 1} yet`);
          });
        }
        for (const u of m.perUnit) assert.deepEqual(u.applied, [migrationNames()[step - 1]]);
      }
      // Nothing left: a re-run applies nothing and everyone stays at the last version.
      const again = await migrateLayout({ ctx, target }, name, { parallel: 2 });
      assert.equal(again.status, 'ok');
      for (const u of again.perUnit) {
        assert.deepEqual(u.applied, []);
        assert.equal(u.versionAfter, steps);
      }
      // One transaction touching every tenant table (what pg_dump needs) fits the lock table here.
      const probe = again.oneTransactionLocks!;
      assert.equal(probe.status, 'ok', probe.error ?? '');
      if (name === 'schema') assert.equal(probe.relations, 5 * ctx.plan.tenants.length, '4 tenant tables + the version table per schema');
      assert.ok(probe.locksHeld >= (name === 'schema' ? probe.relations : 1));
      // The type change rewrote order_items; the rows are the same.
      assert.deepEqual(await layoutOf(name).checksums(ctx), before_.get(name));
    });
  }

  it('a tenant whose data violates the constraint is left unchanged, the others migrate, and a re-run completes', async () => {
    const units = layoutOf('schema').tableUnits(failCtx);
    const bad = units[2]!;
    await withAdmin(target, bad.db, (c) =>
      c.query(`UPDATE ${ident(bad.schema)}.orders SET total = -1 WHERE id = (SELECT min(id) FROM ${ident(bad.schema)}.orders)`),
    );
    const m = await migrateLayout({ ctx: failCtx, target }, 'schema', { parallel: 2 });
    assert.equal(m.status, 'failed');
    assert.equal(m.unitsFailed, 1);
    assert.equal(m.errorsBySqlstate['23514'], 1, JSON.stringify(m.errorsBySqlstate));
    const failed = m.perUnit.find((u) => u.status === 'failed')!;
    assert.equal(failed.unit, bad.key);
    assert.equal(failed.sqlstate, '23514');
    assert.equal(failed.versionAfter, 0);
    for (const u of m.perUnit.filter((x) => x.unit !== bad.key)) assert.equal(u.versionAfter, 5, u.unit);
    await withAdmin(target, bad.db, async (c) => {
      // Unchanged: none of the transactional steps (1-4) survived the rollback, and no index either.
      for (const step of [1, 2, 3, 4, 5]) assert.ok(!(await hasChange(c, bad, step)), `failed tenant has no change of step ${step}`);
    });
    for (const u of units.filter((x) => x.key !== bad.key)) {
      await withAdmin(target, u.db, async (c) => {
        for (const step of [1, 2, 3, 4, 5]) assert.ok(await hasChange(c, u, step), `${u.key} step ${step}`);
      });
    }
    // Fix the data; the re-run migrates only the failed tenant.
    await withAdmin(target, bad.db, (c) => c.query(`UPDATE ${ident(bad.schema)}.orders SET total = 0 WHERE total < 0`));
    const again = await migrateLayout({ ctx: failCtx, target }, 'schema', { parallel: 1 });
    assert.equal(again.status, 'ok');
    assert.equal(again.unitsAtTarget, units.length);
    for (const u of again.perUnit) assert.deepEqual(u.applied.length, u.unit === bad.key ? 5 : 0, u.unit);
  });

  it('--parallel with compareSequential: applied one tenant at a time, undone by the down migrations, then applied in parallel', async () => {
    const sums = await layoutOf('schema').checksums(seqCtx);
    const m = await migrateLayout({ ctx: seqCtx, target }, 'schema', { parallel: 3, compareSequential: true });
    assert.equal(m.status, 'ok');
    assert.equal(m.parallel, 3);
    assert.ok(m.sequential && m.sequential.seconds > 0 && m.sequential.unitSeconds !== null);
    for (const u of m.perUnit) {
      assert.equal(u.versionBefore, 0, 'the sequential pass was undone before the parallel one');
      assert.equal(u.applied.length, 5);
      assert.equal(u.versionAfter, 5);
    }
    for (const u of layoutOf('schema').tableUnits(seqCtx)) {
      await withAdmin(target, u.db, async (c) => {
        for (const step of [1, 2, 3, 4, 5]) assert.ok(await hasChange(c, u, step), `${u.key} step ${step}`);
      });
    }
    assert.deepEqual(await layoutOf('schema').checksums(seqCtx), sums);
  });
});
