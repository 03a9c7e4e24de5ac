/**
 * A sixth layout that exists only in this test, added through the registry alone (registerLayout):
 * shared tables under row level security, assembled from the common layout pieces, in a database
 * and with a role of its own. The scenario accepts its name, and seeding, checksums, a measured
 * workload segment, the verifier's probes and the operations (migrations, sizes) run on it
 * without a line of harness code knowing it exists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withAdmin } from '../src/db/client.js';
import { grantDml, recreateRoles } from '../src/layouts/common/admin-sql.js';
import { seedPooledDatabase } from '../src/layouts/common/bulk-load.js';
import { PooledLayout } from '../src/layouts/common/pooled-layout.js';
import { enableRls, rlsContextSql, rlsSessionContextSql } from '../src/layouts/common/rls-policy.js';
import type {
  LayoutContext,
  LayoutName,
  PooledExtraction,
  SeedResult,
  SessionLevelContext,
  TableChecksums,
} from '../src/layouts/layout.js';
import { isLayoutName, LAYOUT_NAMES, layoutNames } from '../src/layouts/layout-names.js';
import { layout as layoutOf, registerLayout } from '../src/layouts/registry.js';
import { stopwatch } from '../src/measure/timer.js';
import { migrateLayout } from '../src/operations/migrations/migrate-stage.js';
import { migrationNames, readVersion } from '../src/operations/migrations/migration-runner.js';
import { sizesDetail } from '../src/operations/sizes/sizes-detail.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { makeProbeEnv } from '../src/verify/probe-env.js';
import { runProbes } from '../src/verify/run-probes.js';
import type { ProbeResult } from '../src/verify/run-probes.js';
import { measureSegment } from '../src/workload/measure-segment.js';
import { TENANT_TABLES } from '../seed/tenant-plan.js';
import type { TenantPlan } from '../seed/tenant-plan.js';
import { tinyScenario } from './helpers.js';
import { checkLocations } from './layout-location-check.js';

/** Pooled tables with RLS (ENABLE + FORCE, per-transaction setting), built from the common pieces only. */
class TestOnlyRlsLayout extends PooledLayout {
  readonly description = 'test only: pooled tables under row level security, assembled from the common layout pieces';
  protected readonly needsTenantFilter = false;

  constructor(readonly name: LayoutName) {
    super();
  }

  protected contextSql(t: TenantPlan): string {
    return rlsContextSql(t);
  }

  sessionLevelContext(ctx: LayoutContext): SessionLevelContext {
    return { database: this.db(ctx), loginRole: () => this.appRole(ctx), sql: rlsSessionContextSql };
  }

  override extraction(ctx: LayoutContext): PooledExtraction {
    return { sourceDb: this.db(ctx), from: this.name, to: ['schema'], tenants: ctx.plan.tenants };
  }

  async seed(ctx: LayoutContext): Promise<SeedResult> {
    const total = stopwatch();
    const db = this.db(ctx);
    const phases = await seedPooledDatabase(ctx, this.name, db, ctx.plan.tenants);
    const sw = stopwatch();
    await recreateRoles(ctx, [{ name: this.appRole(ctx), login: true }]);
    await withAdmin(ctx.target, db, async (c) => {
      await enableRls(c);
      await grantDml(c, db, this.appRole(ctx), ['public']);
    });
    phases.provision += sw.seconds();
    return { method: 'generator-copy', timings: { ...phases, total: total.seconds() } };
  }
}

const NAME = 'test_only_rls';

describe('a layout registered at run time', () => {
  it('is not a valid name before it is registered', () => {
    assert.equal(isLayoutName(NAME), false);
    assert.throws(() => tinyScenario({ layouts: [NAME] }), /allowed: shared, rls, schema, database, hybrid/);
  });
});

describe('the sixth, test-only layout, through the registry alone', () => {
  let registration: ReturnType<typeof registerLayout>;
  let name: LayoutName;
  let target: EmbeddedTarget;
  let ctx: LayoutContext;
  const sums = new Map<LayoutName, Map<string, TableChecksums>>();

  before(async () => {
    registration = registerLayout(NAME, (n) => new TestOnlyRlsLayout(n));
    name = registration.name;
    target = await EmbeddedTarget.start({ profile: 'test' });
    // The scenario names the new layout like a built-in one.
    const scenario = tinyScenario({ layouts: [name, 'rls'] });
    ctx = makeLayoutContext({ target, scenario, prefix: 'tbx', serverVersionNum: 150000 });
    for (const l of scenario.layouts) {
      const seeded = await layoutOf(l).seed(ctx);
      assert.equal(seeded.method, 'generator-copy');
      (ctx.seeded as Set<LayoutName>).add(l);
      sums.set(l, await layoutOf(l).checksums(ctx));
    }
  });

  after(async () => {
    registration?.unregister();
    await target?.stop();
  });

  it('is a valid layout name, listed after the built-ins, and the registry refuses it twice', () => {
    assert.ok(isLayoutName(name));
    assert.deepEqual(layoutNames(), [...LAYOUT_NAMES, name]);
    assert.deepEqual(tinyScenario({ layouts: [name] }).layouts, [name]);
    assert.throws(() => registerLayout(NAME, (n) => new TestOnlyRlsLayout(n)), /already registered/);
    assert.equal(layoutOf(name).name, name);
  });

  it('holds exactly the planned rows, with the same checksums as the rls layout', () => {
    const mine = sums.get(name)!;
    for (const t of ctx.plan.tenants) {
      for (const table of TENANT_TABLES) assert.equal(mine.get(t.slug)?.[table].rows, t.counts[table], `${t.slug}.${table}`);
    }
    assert.deepEqual(mine, sums.get('rls'));
  });

  it('says where each tenant lives, as its sessions show', async () => {
    const impl = layoutOf(name);
    const where = impl.locate(ctx)(ctx.plan.tenants[0]!);
    assert.deepEqual(where, {
      database: 'tbx_test_only_rls',
      schema: 'public',
      loginRole: 'tbx_test_only_rls_app',
      tenantRole: 'tbx_test_only_rls_app',
      pooled: true,
      appFilter: false,
      rls: true,
      context: 'setting',
      unit: 'pooled',
    });
    assert.deepEqual(impl.databases(ctx), ['tbx_test_only_rls']);
    await checkLocations(impl, ctx);
    assert.equal(impl.connectionCap(ctx.scenario), null);
    assert.equal(impl.tableUnits(ctx).length, 1);
  });

  it("hands out sessions that see only their tenant's rows", async () => {
    const router = layoutOf(name).router(ctx, { maxConnections: 2 });
    try {
      for (const t of ctx.plan.tenants) {
        const s = await router.acquire(t);
        const r = await s.query<{ n: string; foreign: string }>(
          'SELECT count(*)::text AS n, count(*) FILTER (WHERE tenant_id <> $1)::text AS foreign FROM orders',
          [t.id],
        );
        await s.release();
        assert.deepEqual(r.rows[0], { n: String(t.counts.orders), foreign: '0' }, t.slug);
      }
    } finally {
      await router.close();
    }
  });

  it('runs a measured workload segment with reads and writes, without errors', async () => {
    const w = tinyScenario({
      workload: { warmupSeconds: 0.3, durationSeconds: 1.5, repeats: 1, users: 2, mix: { 'point-lookup': 2, 'create-order': 1 } },
    }).workload;
    const seg = await measureSegment({ ctx, layout: name, workload: w, repeat: 0 });
    const ok = seg.recorder.queries.reduce((a, q) => a + q.ok, 0);
    const errors = seg.recorder.queries.flatMap((q) => [...q.errors.entries()]);
    assert.ok(ok > 0, 'requests succeeded');
    assert.deepEqual(errors, []);
    assert.equal(seg.layout, name);
    // The written rows were removed again: the dataset is as seeded.
    assert.deepEqual(await layoutOf(name).checksums(ctx), sums.get(name));
  });

  it('passes the verifier: no leak, and the same outcome as the rls layout for every probe', async () => {
    const outcomes = async (l: LayoutName): Promise<ProbeResult[]> => {
      const env = makeProbeEnv(ctx, l);
      try {
        return await runProbes(env);
      } finally {
        await env.router.close();
      }
    };
    const mine = await outcomes(name);
    const rls = await outcomes('rls');
    assert.deepEqual(
      mine.filter((r) => r.outcome === 'leaked').map((r) => `${r.id}: ${r.observed.detail ?? ''}`),
      [],
    );
    assert.deepEqual(
      mine.map((r) => [r.id, r.outcome]),
      rls.map((r) => [r.id, r.outcome]),
    );
  });

  it('migrates its one pooled unit, and the rows stay the same', async () => {
    const m = await migrateLayout({ ctx, target }, name);
    assert.equal(m.status, 'ok', JSON.stringify(m).slice(0, 500));
    assert.equal(m.units, 1);
    for (const u of layoutOf(name).tableUnits(ctx)) assert.equal((await readVersion(target, u))?.version, migrationNames().length);
    assert.deepEqual(await layoutOf(name).checksums(ctx), sums.get(name));
  });

  it('reports sizes per tenant', async () => {
    const d = await sizesDetail(name, ctx);
    assert.deepEqual(d.perTenant.map((t) => t.tenant).sort(), ctx.plan.tenants.map((t) => t.slug).sort());
    assert.ok(d.perTenant.every((t) => t.pooled && t.rows > 0));
  });
});
