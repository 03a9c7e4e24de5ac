/**
 * Migration under load on a real embedded PostgreSQL with tiny data: after the quiet migration,
 * the migrations are undone and re-applied while the workload runs; the figures exist, the
 * workload really ran during the migration, lock waits were sampled, every unit ends at the
 * target version and the data is unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import type { LayoutContext, TableChecksums } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { migrateLayout } from '../src/operations/migrations/migrate-stage.js';
import { migrationNames, readVersion } from '../src/operations/migrations/migration-runner.js';
import { layoutMigrationSchema } from '../src/results/migration-schema.js';
import type { LayoutMigration } from '../src/results/migration-schema.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';
import { loadResults } from '../src/report/load-results.js';
import { buildReportModel } from '../src/report/report-model.js';
import { tinyScenario } from './helpers.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
const LAYOUTS: LayoutName[] = ['rls', 'schema'];
const checksumsBefore = new Map<LayoutName, Map<string, TableChecksums>>();
const results = new Map<LayoutName, LayoutMigration>();

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  const scenario = tinyScenario({
    workload: {
      mode: 'closed',
      users: 2,
      warmupSeconds: 0.2,
      durationSeconds: 1,
      repeats: 1,
      mix: { 'recent-orders': 2, 'point-lookup': 2, 'create-order': 1 },
    },
  });
  ctx = makeLayoutContext({ target, scenario, prefix: 'tbl', serverVersionNum: 150000 });
  for (const name of LAYOUTS) {
    await layoutOf(name).seed(ctx);
    checksumsBefore.set(name, await layoutOf(name).checksums(ctx));
  }
});

after(async () => {
  await target?.stop();
});

describe('migration under load', () => {
  for (const name of LAYOUTS) {
    it(`${name}: the migration re-applied under load completes, with quiet and under-load figures and lock-wait samples`, async (t) => {
      const m = await migrateLayout({ ctx, target }, name, { parallel: 2, underLoad: true });
      results.set(name, m);
      t.diagnostic(`${name} under load: ${JSON.stringify(m.underLoad)}`);
      layoutMigrationSchema.parse(m);
      assert.equal(m.status, 'ok', JSON.stringify(m.perUnit.filter((u) => u.status !== 'ok')));
      const ul = m.underLoad;
      assert.equal(ul.status, 'measured', JSON.stringify(ul));
      if (ul.status !== 'measured') return;
      // The migration completed: every unit at the target version.
      assert.equal(ul.migration.unitsFailed, 0, JSON.stringify(ul.migration.errorsBySqlstate));
      assert.equal(ul.migration.units, layoutOf(name).tableUnits(ctx).length);
      assert.equal(m.unitsAtTarget, m.units);
      for (const u of layoutOf(name).tableUnits(ctx)) assert.equal((await readVersion(target, u))?.version, migrationNames().length, u.key);
      // Figures exist.
      assert.ok(ul.migration.seconds > 0);
      assert.ok(ul.quiet.count > 0 && ul.quiet.p99Ms !== null, 'quiet segment recorded requests');
      assert.ok(ul.during.count > 0, 'the workload recorded requests during the migration');
      assert.ok(ul.during.p99Ms !== null && ul.during.p50Ms !== null);
      assert.ok(ul.during.throughputPerS !== null && ul.during.throughputPerS > 0);
      assert.ok(ul.lockWaits.samples > 0, 'pg_stat_activity was sampled');
      assert.ok(ul.lockWaits.maxWaiting >= 0 && ul.lockWaits.longestWaitMs >= 0);
      assert.ok(ul.windowSeconds >= ul.migration.quietSeconds * 4);
      // The data is unchanged: the workload removed what it wrote, the type change kept the rows.
      assert.deepEqual(await layoutOf(name).checksums(ctx), checksumsBefore.get(name));
    });

    it(`${name}: the load was concurrent with the migration`, () => {
      const ul = results.get(name)?.underLoad;
      assert.ok(ul && ul.status === 'measured', 'the previous test measured it');
      // The migration began inside the measured window and the window outlasted it.
      assert.ok(ul.migration.startOffsetSeconds >= 0, `migration started ${ul.migration.startOffsetSeconds} s after the window began`);
      assert.ok(ul.migration.startOffsetSeconds < ul.windowSeconds, 'migration started before the window ended');
      assert.ok(ul.migration.endOffsetSeconds > ul.migration.startOffsetSeconds);
      // Usually all of it; on a busy machine the migration may outlast the window, which is reported.
      assert.ok(ul.coveredFraction > 0.5, `only ${ul.coveredFraction} of the migration was under load`);
      const covered = Math.min(ul.windowSeconds, ul.migration.endOffsetSeconds) - ul.migration.startOffsetSeconds;
      assert.ok(Math.abs(covered / (ul.migration.endOffsetSeconds - ul.migration.startOffsetSeconds) - ul.coveredFraction) < 1e-6);
      // Requests both started and completed while the migration ran: the two really overlapped.
      assert.ok(ul.during.completedInside > 0, 'no request started and completed inside the migration interval');
    });
  }

  it("the report's migration table shows P99 quiet, P99 during the migration and lock waiters from the summary", () => {
    const measured = results.get('schema')!.underLoad;
    assert.equal(measured.status, 'measured');
    if (measured.status !== 'measured') return;
    const r = loadResults(join(packageRoot(), 'tests', 'fixtures', 'smoke-run'));
    r.summary.layouts.schema!.migration!.underLoad = measured;
    const t = buildReportModel(r).tables.find((x) => x.id === 'migration')!;
    const labels = t.columns.map((c) => c.label);
    for (const l of ['under load', 'P99 quiet', 'P99 during migration', 'max lock waiters']) assert.ok(labels.includes(l), l);
    const row = t.rows.find((x) => x.layout === 'schema')!;
    assert.equal(row.p99Quiet, measured.quiet.p99Ms);
    assert.equal(row.p99During, measured.during.p99Ms);
    assert.equal(row.lockWaiters, measured.lockWaits.maxWaiting);
    assert.equal(t.rows.find((x) => x.layout === 'rls')!.p99During, 'not measured');
    assert.ok(t.notes.some((n) => n.startsWith('schema: migration under load (') && n.includes('P99')));
  });

  it('--no-under-load leaves it "not measured" with the reason', async () => {
    const m = await migrateLayout({ ctx, target }, 'rls', { parallel: 2 });
    assert.equal(m.underLoad.status, 'not measured');
  });
});
