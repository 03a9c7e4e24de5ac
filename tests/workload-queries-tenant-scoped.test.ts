/**
 * Every workload query, in every layout, prepared and unprepared, returns (or writes) only the
 * scoped tenant's rows: checked against the tenants' id ranges on a real embedded PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Row } from '../src/db/types.js';
import { LAYOUT_NAMES } from '../src/config/scenario-schema.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import type { LayoutContext, TenantRouter } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { CompiledMix, queryConfig } from '../src/workload/compiled-mix.js';
import { allocateIds } from '../src/workload/id-allocator.js';
import { customQueriesOf } from '../src/workload/custom-query.js';
import { checkCustomQueries } from '../src/workload/custom-query-check.js';
import { executeRequest } from '../src/workload/execute-request.js';
import { measureSegment } from '../src/workload/measure-segment.js';
import { UsageError } from '../src/errors.js';
import { QUERY_NAMES } from '../src/workload/query-registry.js';
import type { QueryName } from '../src/workload/query-registry.js';
import type { IdSource } from '../src/workload/workload-query.js';
import { mulberry32 } from '../seed/prng.js';
import type { TenantPlan } from '../seed/tenant-plan.js';
import { tinyScenario } from './helpers.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
/** hybrid with the dedicated tier in schemas: rls tenants and schema tenants share connections. */
let ctxHybridSchema: LayoutContext;

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  ctx = makeLayoutContext({ target, scenario: tinyScenario(), prefix: 'tbq', serverVersionNum: 150000 });
  for (const name of LAYOUT_NAMES) {
    await layoutOf(name).seed(ctx);
    (ctx.seeded as Set<LayoutName>).add(name);
  }
  ctxHybridSchema = makeLayoutContext({
    target,
    scenario: tinyScenario({ layoutOptions: { hybrid: { dedicated: 2, placement: 'schema' } } }),
    prefix: 'tbqs',
    serverVersionNum: 150000,
  });
  await layoutOf('hybrid').seed(ctxHybridSchema);
});

describe('hybrid with schema placement, prepared statements on shared connections', () => {
  it('runs every query for pooled and dedicated tenants alternately without plan errors', async () => {
    const c = ctxHybridSchema;
    const router = layoutOf('hybrid').router(c, { maxConnections: 1 });
    try {
      const mix = new CompiledMix(allQueries, true);
      const ids = await allocateIds(router, c.plan.tenants);
      const locate = layoutOf('hybrid').locate(c);
      const col = (t: TenantPlan) => locate(t).pooled;
      for (let round = 0; round < 2; round++) {
        for (const t of c.plan.tenants) {
          for (const q of mix.queries) {
            const s = await router.acquire(t);
            try {
              const st = q.statement({ tenantFilter: s.needsTenantFilter, tenantColumn: col(t) }, t);
              await s.query(queryConfig(st, t, q.query.params(t, mulberry32(round * 100 + t.index), ids)));
              await s.release();
            } catch (err) {
              await s.release(err);
              throw new Error(`${t.slug} ${q.name}: ${String(err)}`);
            }
          }
        }
      }
    } finally {
      await router.close();
    }
  });
});

after(async () => {
  await target?.stop();
});

/** Orders the create-order tests wrote, per layout and tenant: also the tenant's own. */
const written = new Map<string, Set<number>>();
let currentLayout: LayoutName = 'shared';
const writtenBy = (t: TenantPlan) => written.get(`${currentLayout}/${t.slug}`) ?? new Set<number>();
const inRange = (t: TenantPlan, table: 'orders' | 'order_items', id: number) =>
  (id >= t.idStart[table] && id < t.idStart[table] + t.counts[table]) || (table === 'orders' && writtenBy(t).has(id));

/** Run one query for a tenant the way the driver does (same shape rules), with chosen values. */
async function run<R extends Row>(
  layout: LayoutName,
  router: TenantRouter,
  mix: CompiledMix,
  name: QueryName,
  tenant: TenantPlan,
  values: unknown[],
  explicit = false,
): Promise<R[]> {
  const q = mix.queries.find((x) => x.name === name)!;
  const s = await router.acquire(tenant);
  try {
    const tc = layoutOf(layout).locate(ctx)(tenant).pooled;
    const st = q.statement({ tenantFilter: s.needsTenantFilter || (explicit && tc), tenantColumn: tc }, tenant);
    const r = await s.query<R>(queryConfig(st, tenant, values));
    await s.release();
    return r.rows;
  } catch (err) {
    await s.release(err);
    throw err;
  }
}

const allQueries = Object.fromEntries(QUERY_NAMES.map((n) => [n, 1]));

for (const layout of LAYOUT_NAMES) {
  for (const prepared of [true, false]) {
    describe(`${layout} layout, ${prepared ? 'prepared' : 'unprepared'} statements`, () => {
      let router: TenantRouter;
      let ids: IdSource;
      const mix = new CompiledMix(allQueries, prepared);
      before(async () => {
        currentLayout = layout;
        // Two connections: consecutive tenants reuse a connection, as under load.
        router = layoutOf(layout).router(ctx, { maxConnections: 2 });
        ids = await allocateIds(router, ctx.plan.tenants);
      });
      after(async () => {
        await router?.close();
      });

      it("recent-orders: the newest 50 of the tenant's own orders, joined to its own customers", async () => {
        for (const t of ctx.plan.tenants) {
          const rows = await run<{ id: string; email: string }>(layout, router, mix, 'recent-orders', t, ['2100-01-01T00:00:00Z']);
          assert.equal(rows.length, Math.min(50, t.counts.orders + writtenBy(t).size), t.slug);
          for (const r of rows) assert.ok(inRange(t, 'orders', Number(r.id)), `${t.slug}: order ${r.id} is not its own`);
        }
      });

      it("point-lookup: finds its own order, never another tenant's", async () => {
        for (const t of ctx.plan.tenants) {
          const own = await run<{ id: string }>(layout, router, mix, 'point-lookup', t, [t.idStart.orders]);
          assert.equal(own.length, 1, t.slug);
          for (const other of ctx.plan.tenants.filter((x) => x !== t)) {
            const foreign = await run(layout, router, mix, 'point-lookup', t, [other.idStart.orders]);
            assert.equal(foreign.length, 0, `${t.slug} sees ${other.slug}'s order ${other.idStart.orders}`);
          }
        }
      });

      it("order-report: over all time counts only the tenant's orders", async () => {
        for (const t of ctx.plan.tenants) {
          const rows = await run<{ orders: string; min_id: string; max_id: string }>(layout, router, mix, 'order-report', t, [
            '2000-01-01T00:00:00Z',
            '2024-12-31T00:00:00Z',
          ]);
          const later = await run<{ orders: string; min_id: string; max_id: string }>(layout, router, mix, 'order-report', t, [
            '2024-12-31T00:00:00Z',
            '2100-01-01T00:00:00Z',
          ]);
          const all = [...rows, ...later];
          const withItems = all.reduce((a, r) => a + Number(r.orders), 0);
          const max = t.counts.orders + writtenBy(t).size;
          assert.ok(withItems > 0 && withItems <= max, `${t.slug}: ${withItems} orders of ${max}`);
          for (const r of all) {
            assert.ok(
              inRange(t, 'orders', Number(r.min_id)) && inRange(t, 'orders', Number(r.max_id)),
              `${t.slug}: ids ${r.min_id}..${r.max_id}`,
            );
          }
        }
      });

      it("order-search: non-leakproof filters return only the tenant's orders", async () => {
        let total = 0;
        for (const t of ctx.plan.tenants) {
          for (const status of ['delivered', 'paid']) {
            const rows = await run<{ id: string }>(layout, router, mix, 'order-search', t, ['%', 0, status, '{}']);
            total += rows.length;
            for (const r of rows) assert.ok(inRange(t, 'orders', Number(r.id)), `${t.slug}: order ${r.id}`);
          }
        }
        assert.ok(total > 0, 'the search finds something');
      });

      it('create-order: the new order and items are visible to their tenant only', async () => {
        const [a, b] = ctx.plan.tenants;
        const values = mix.queries.find((q) => q.name === 'create-order')!.query.params(a!, mulberry32(prepared ? 1 : 2), ids);
        const orderId = values[0] as number;
        written.set(`${layout}/${a!.slug}`, writtenBy(a!).add(orderId));
        const inserted = await run<{ order_id: string }>(layout, router, mix, 'create-order', a!, values);
        assert.ok(inserted.length >= 1 && inserted.every((r) => Number(r.order_id) === orderId));
        assert.equal((await run(layout, router, mix, 'point-lookup', a!, [orderId])).length, 1, 'visible to its tenant');
        assert.equal((await run(layout, router, mix, 'point-lookup', b!, [orderId])).length, 0, 'invisible to another tenant');
      });

      if (layout === 'rls') {
        it('the rls variant with an explicit tenant filter as well returns the same rows', async () => {
          const t = ctx.plan.tenants[1]!;
          const plain = await run<{ id: string }>(layout, router, mix, 'recent-orders', t, ['2100-01-01T00:00:00Z']);
          const both = await run<{ id: string }>(layout, router, mix, 'recent-orders', t, ['2100-01-01T00:00:00Z'], true);
          assert.deepEqual(
            both.map((r) => r.id),
            plain.map((r) => r.id),
          );
        });

        it('WITH CHECK refuses an order written for another tenant (42501)', async () => {
          const [a, b] = ctx.plan.tenants;
          const q = mix.queries.find((x) => x.name === 'create-order')!;
          const st = q.statement({ tenantFilter: false, tenantColumn: true }, a!);
          const s = await router.acquire(a!);
          const values = q.query.params(a!, mulberry32(3), ids);
          // The tenant id parameter says b while the transaction is scoped to a.
          await assert.rejects(s.query(queryConfig(st, b!, values)), (e: { code?: string }) => e.code === '42501');
          await s.release(new Error('expected failure'));
        });
      }
    });
  }
}

/** Scenario-declared queries (`queries:`), as scenarios/custom-queries.yaml declares them, plus an own-row lookup. */
const DECLARED = [
  {
    name: 'top-customers',
    sql:
      'SELECT c.id, count(*) AS orders, sum(o.total) AS revenue FROM orders o JOIN customers c ON c.id = o.customer_id AND {{tenant c}} ' +
      'WHERE {{tenant o}} AND o.created_at >= $1 AND o.status = ANY($2::text[]::order_status[]) GROUP BY c.id ORDER BY revenue DESC LIMIT 10',
    params: [{ kind: 'timestamp' }, { kind: 'pick', values: ['{paid,shipped,delivered}'] }],
  },
  {
    name: 'product-by-id',
    sql:
      'SELECT p.id, (SELECT count(*) FROM order_items i WHERE {{tenant i}} AND i.product_id = p.id) AS times_ordered ' +
      'FROM products p WHERE {{tenant p}} AND p.id = $1',
    params: [{ kind: 'own-id', table: 'products' }],
  },
  {
    name: 'customer-by-email',
    sql: 'SELECT c.id FROM customers c WHERE {{tenant c}} AND c.email = $1',
    params: [{ kind: 'own-row', table: 'customers', column: 'email' }],
  },
];

describe('scenario-declared queries, every layout', () => {
  /** The same seeded data, with a scenario that declares `queries`. */
  const declaring = (queries: unknown[]): LayoutContext => ({ ...ctx, scenario: tinyScenario({ queries }) });
  const noIds = { next: (): number => assert.fail('custom queries do not write') };

  it("pass the pre-run check and return only the routed tenant's rows in every layout", async () => {
    const c = declaring(DECLARED);
    await checkCustomQueries(c, LAYOUT_NAMES);
    const mix = new CompiledMix(Object.fromEntries(DECLARED.map((q) => [q.name, 1])), true, customQueriesOf(c.scenario));
    const byName = (n: string) => mix.queries.find((q) => q.name === n)!;
    const own = (t: TenantPlan, table: 'customers' | 'products', id: number) =>
      id >= t.idStart[table] && id < t.idStart[table] + t.counts[table];
    for (const layout of LAYOUT_NAMES) {
      const locate = layoutOf(layout).locate(c);
      const router = layoutOf(layout).router(c, { maxConnections: 2 });
      const request = { router, prepared: true, explicitTenantFilter: false, tenantColumn: (t: TenantPlan) => locate(t).pooled };
      const rows = async (t: TenantPlan, name: string, values: unknown[]): Promise<{ id: string }[]> => {
        const out = await executeRequest(request, t, byName(name), values, true);
        assert.equal(out.error, null, `${layout} ${t.slug} ${name}`);
        return JSON.parse(out.body!) as { id: string }[];
      };
      try {
        for (const t of c.plan.tenants) {
          const at = `${layout} ${t.slug}`;
          const top = await rows(t, 'top-customers', ['2000-01-01T00:00:00Z', '{pending,paid,shipped,delivered,cancelled,refunded}']);
          assert.equal(top.length, Math.min(10, new Set(top.map((r) => r.id)).size), at);
          assert.ok(top.length > 0, `${at}: top-customers found none of its customers`);
          for (const r of top) assert.ok(own(t, 'customers', Number(r.id)), `${at}: customer ${r.id} is another tenant's`);
          // Its own product by id, never another tenant's.
          assert.deepEqual(
            (await rows(t, 'product-by-id', [t.idStart.products])).map((r) => Number(r.id)),
            [t.idStart.products],
            at,
          );
          for (const other of c.plan.tenants.filter((x) => x !== t)) {
            assert.deepEqual(await rows(t, 'product-by-id', [other.idStart.products]), [], `${at}: read ${other.slug}'s product`);
          }
          // own-row: an email generated for one of the tenant's customers is in its table, exactly once.
          const q = byName('customer-by-email');
          const found = await rows(t, 'customer-by-email', q.query.params(t, mulberry32(t.index), noIds));
          assert.equal(found.length, 1, at);
          assert.ok(own(t, 'customers', Number(found[0]!.id)), at);
        }
        // The shared baseline filters by tenant_id; the database layout's text has no filter left.
        const shape = (l: LayoutName) => {
          const loc = layoutOf(l).locate(c)(c.plan.tenants[1]!);
          return { tenantFilter: loc.appFilter, tenantColumn: loc.pooled };
        };
        if (layout === 'shared')
          assert.match(byName('product-by-id').query.sql(shape(layout)).text, /i\.tenant_id = \$2.*p\.tenant_id = \$2/);
        if (layout === 'database') assert.doesNotMatch(byName('product-by-id').query.sql(shape(layout)).text, /tenant_id/);
      } finally {
        await router.close();
      }
    }
  });

  it('drive a short measured window in every layout, recorded under their own names, without errors', async () => {
    const c: LayoutContext = {
      ...ctx,
      scenario: tinyScenario({
        queries: DECLARED,
        workload: { warmupSeconds: 0, durationSeconds: 0.3, repeats: 1, users: 2, mix: { 'top-customers': 1, 'customer-by-email': 1 } },
      }),
    };
    for (const layout of LAYOUT_NAMES) {
      const seg = await measureSegment({ ctx: c, layout, workload: c.scenario.workload, repeat: 0 });
      assert.deepEqual(
        seg.mix.queries.map((q) => q.name),
        ['top-customers', 'customer-by-email'],
      );
      assert.ok(
        seg.recorder.queries.every((q) => q.ok > 0),
        `${layout}: every declared query ran`,
      );
      assert.deepEqual(
        seg.recorder.queries.flatMap((q) => [...q.errors.entries()]),
        [],
        layout,
      );
    }
  });

  it("refuses SQL that fails in any layout, or writes, with the server's error (exit 2, queries.N.sql)", async () => {
    const refused = async (sql: string, pattern: RegExp) => {
      await assert.rejects(checkCustomQueries(declaring([{ name: 'bad', sql }]), LAYOUT_NAMES), (err: unknown) => {
        assert.ok(err instanceof UsageError, String(err));
        assert.equal(err.exitCode, 2);
        assert.equal(err.field, 'queries.0.sql');
        assert.match(err.message, pattern);
        return true;
      });
    };
    // The directory table exists only beside pooled tables: fine in shared, refused where tenants have their own tables.
    await refused('SELECT o.id FROM orders o WHERE {{tenant o}} AND EXISTS (SELECT 1 FROM tenants)', /fails in layout \w+ .*(42P01|42501)/);
    await refused(
      'SELECT o.nosuch FROM orders o WHERE {{tenant o}}',
      /fails in layout shared .*column o\.nosuch does not exist \(SQLSTATE 42703\)/,
    );
    await refused(
      'WITH d AS (DELETE FROM order_items i WHERE {{tenant i}} AND i.id < 0 RETURNING i.id) SELECT o.id FROM orders o WHERE {{tenant o}}',
      /read-only transaction \(SQLSTATE 25006\)/,
    );
  });
});
