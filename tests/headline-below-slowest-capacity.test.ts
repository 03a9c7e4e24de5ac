/**
 * The headline's calibration on a real server: a test-only layout made slow on purpose (every
 * request's tenant context also sleeps 40 ms, so 2 connections serve at most ~50 requests/s) next
 * to rls. The headline rates must be fractions of the slow layout's capacity, below it, every
 * layout must be measured at them, and summary.stages must time each stage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withAdmin } from '../src/db/client.js';
import { grantDml, recreateRoles } from '../src/layouts/common/admin-sql.js';
import { seedPooledDatabase } from '../src/layouts/common/bulk-load.js';
import { PooledLayout } from '../src/layouts/common/pooled-layout.js';
import { enableRls, rlsContextSql, rlsSessionContextSql } from '../src/layouts/common/rls-policy.js';
import type { LayoutContext, LayoutName, SeedResult, SessionLevelContext } from '../src/layouts/layout.js';
import { registerLayout } from '../src/layouts/registry.js';
import { stopwatch } from '../src/measure/timer.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { runStages } from '../src/pipeline/run-pipeline.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import type { RunSession } from '../src/pipeline/run-session.js';
import { stages } from '../src/pipeline/stages.js';
import type { Summary } from '../src/results/summary-schema.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import type { TenantPlan } from '../seed/tenant-plan.js';
import { headlineSection } from '../src/report/headline-section.js';
import { mainSection } from '../src/report/main-section.js';
import { tinyScenario } from './helpers.js';

class SlowRlsLayout extends PooledLayout {
  readonly description = 'test only: rls whose tenant context also sleeps 250 ms (a layout slow on purpose)';
  protected readonly needsTenantFilter = false;
  constructor(readonly name: LayoutName) {
    super();
  }
  protected contextSql(t: TenantPlan): string {
    return `${rlsContextSql(t)}, pg_sleep(0.25)`;
  }
  sessionLevelContext(ctx: LayoutContext): SessionLevelContext {
    return { database: this.db(ctx), loginRole: () => this.appRole(ctx), sql: rlsSessionContextSql };
  }
  async seed(ctx: LayoutContext): Promise<SeedResult> {
    const total = stopwatch();
    const db = this.db(ctx);
    const phases = await seedPooledDatabase(ctx, this.name, db, ctx.plan.tenants);
    await recreateRoles(ctx, [{ name: this.appRole(ctx), login: true }]);
    await withAdmin(ctx.target, db, async (c) => {
      await enableRls(c);
      await grantDml(c, db, this.appRole(ctx), ['public']);
    });
    return { method: 'generator-copy', timings: { ...phases, total: total.seconds() } };
  }
}

describe('the headline below the slowest layout', () => {
  let registration: ReturnType<typeof registerLayout>;
  let slow: LayoutName;
  let target: EmbeddedTarget;
  let summary: Summary;

  before(async () => {
    registration = registerLayout('test_slow', (n) => new SlowRlsLayout(n));
    slow = registration.name;
    const scenario = tinyScenario({
      layouts: ['rls', slow],
      // maxEventLoopLagMs (also the lateness bound): the machine running the tests is shared and loaded;
      // a step judged generator-limited would leave a layout without a capacity. Rates of 4/s and up
      // with a 1 s warm-up: the connections are open before the window, whose P99 is then not one connect.
      workload: {
        mix: { 'recent-orders': 2, 'point-lookup': 1 },
        users: 2,
        warmupSeconds: 1,
        durationSeconds: 3,
        repeats: 1,
        maxEventLoopLagMs: 2000,
        // Warm-up windows until the hit ratio is stable: short, at most 2 (tiny data is warm at once).
        warmUntilStable: { windowSeconds: 0.5, maxWindows: 2 },
      },
      headline: {
        // Up to 16/s: twice the slow layout's ceiling, which rls must pass for the comparison (no step above it is asserted).
        calibrate: { rates: [4, 8, 16], p99TargetMs: 1000, stepSeconds: 3, warmupSeconds: 1, stopAfterMisses: 1 },
        fractions: [0.5, 0.75],
        reports: { mix: { 'order-report': 1 }, ratePerS: 0.5 },
        reference: { queries: ['recent-orders'] },
      },
    });
    target = await EmbeddedTarget.start({ profile: 'test' });
    const ctx = makeLayoutContext({ target, scenario, prefix: 'tbh', serverVersionNum: 150000 });
    // summary.json's schema knows the built-in layouts only: a session of its own, not written to disk.
    summary = { layouts: { rls: { status: 'ok' }, [slow]: { status: 'ok' } } } as unknown as Summary;
    const session = {
      summary,
      scenario,
      layouts: scenario.layouts,
      ctx,
      target,
      writers: [],
      out: () => {},
      flush() {},
    } as unknown as RunSession;
    const seed = {
      id: 'seed',
      run: async () => {
        for (const l of scenario.layouts) {
          await layoutOf(l).seed(ctx);
          (ctx.seeded as Set<LayoutName>).add(l);
        }
      },
    };
    await runStages(session, [seed, stages.headline()]);
  });

  after(async () => {
    registration?.unregister();
    await target?.stop();
  });

  it('sets the rates from the slow layout, below its capacity and below every other', () => {
    const h = summary.headline!;
    const cap = summary.capacity!.layouts;
    assert.equal(h.status, 'ok');
    assert.equal(h.lowest?.layout, slow);
    const slowCap = cap[slow]!.capacity.ratePerS!;
    assert.ok(slowCap <= 8, `slow: ${cap[slow]!.capacity.label}`);
    assert.ok(slowCap < cap.rls!.capacity.ratePerS!, `slow ${slowCap}/s vs rls ${cap.rls!.capacity.label}`);
    assert.deepEqual(
      h.rates.map((r) => r.ratePerS),
      [0.5, 0.75].map((f) => f * slowCap),
    );
    for (const r of h.rates) assert.ok(r.ratePerS < slowCap);
  });

  it('measures every layout at the same rates, the reports beside, open loop', () => {
    for (const r of summary.headline!.rates) {
      assert.equal(r.workload.config.mode, 'open');
      assert.equal(r.workload.config.ratePerS, r.ratePerS + 0.5);
      for (const l of ['rls', slow]) {
        const q = r.workload.layouts[l as 'rls']!.queries;
        // Counted per repeat, valid or not (a busy machine may invalidate a window; the pooled count holds valid ones only).
        const done = (name: string) => (q[name]?.repeats ?? []).reduce((n, rep) => n + rep.count, 0);
        assert.ok(done('recent-orders') + done('point-lookup') > 0, `${l} at ${r.ratePerS}/s`);
        assert.ok(q['order-report'], `${l}: reports beside`);
      }
    }
  });

  it('runs pgbench on the headline query at its rate in each headline stream, per layout; the others say why not', () => {
    for (const r of summary.headline!.rates) {
      const ref = r.workload.layouts.rls!.reference!;
      assert.equal(ref.mode, 'open');
      assert.equal(ref.durationSeconds, 3);
      const q = ref.queries['recent-orders']!;
      assert.ok(q.measured, JSON.stringify(q));
      assert.ok(q.transactions > 0 && q.p50Ms !== null);
      // recent-orders is 2/3 of the tenant-facing mix: pgbench offers it alone at that rate.
      assert.ok(Math.abs(q.offeredPerS! - (r.ratePerS * 2) / 3) < 1e-9, `${q.offeredPerS} vs ${r.ratePerS}`);
      assert.deepEqual(Object.keys(ref.queries), ['recent-orders']);
      assert.ok(r.workload.layouts[slow as 'rls']!.reference, 'the slow layout has a reference (figures or a reason)');
    }
    // Never during the measured windows: the headline's own figures stay tenantbench's.
    const t = headlineSection(summary)!.tables.find((x) => x.id === 'headline')!;
    const row = t.rows.find((x) => x.layout === 'rls' && x.query === 'recent-orders')!;
    assert.equal(typeof row.pgP50, 'number');
    assert.match(
      String(t.rows.find((x) => x.layout === 'rls' && x.query === 'point-lookup')!.pgP50),
      /^not measured: pgbench ran recent-orders only/,
    );
  });

  it('warms each segment until the hit ratio is stable, and records how many windows it took', () => {
    for (const r of summary.headline!.rates) {
      for (const x of r.workload.layouts.rls!.cache!.windows) {
        assert.ok(x.warmUp, 'warm-up record');
        assert.ok(x.warmUp.windows >= 2 && x.warmUp.windows <= 2);
        assert.equal(x.warmUp.hitRatios.length, x.warmUp.windows);
      }
    }
  });

  it("settles the seeded databases before the first window (VACUUM (ANALYZE), CHECKPOINT) and says so in the main table's notes", () => {
    const settle = summary.headline!.settle!;
    assert.ok(settle && settle.seconds >= 0, JSON.stringify(summary.headline!.settle));
    assert.equal(settle.warning, null);
    const notes = mainSection(summary).tables[0]!.notes.join(' ');
    assert.match(notes, /Before the calibration: VACUUM \(ANALYZE\) of every layout's databases, then CHECKPOINT \(\d+ s\)/);
    const older = { ...summary, headline: { ...summary.headline!, settle: undefined } };
    assert.match(mainSection(older).tables[0]!.notes.join(' '), /not settled/);
  });

  it('times each stage in summary.stages', () => {
    const st = summary.stages!;
    assert.deepEqual(
      st.map((x) => [x.id, x.status]),
      [
        ['seed', 'ok'],
        ['headline', 'ok'],
      ],
    );
    for (const x of st) assert.ok(x.seconds! > 0 && x.startedAt);
  });
});
