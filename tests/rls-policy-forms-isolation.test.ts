/**
 * Every RLS policy form (src/layouts/rls/policy-forms.ts), applied in turn to one seeded rls
 * database, as the application through the layout's router for that form: a tenant sees exactly its
 * own rows, WITH CHECK refuses an insert carrying another tenant's id, the plan shape read from
 * EXPLAIN is the form's (index condition, filter, InitPlan, hashed SubPlan), and the rows are
 * unchanged by all the switching (checksums). Tiny data, so sequential scans are disabled for the
 * plan reads (the planner would otherwise scan a few hundred rows whatever the form).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applySidePolicy, sideContext } from '../src/ab/side-policy.js';
import { withAdmin } from '../src/db/client.js';
import type { LayoutContext } from '../src/layouts/layout.js';
import { withTenantSession } from '../src/layouts/common/with-tenant-session.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { explainQuery } from '../src/layouts/rls/explain-plan.js';
import { POLICY_FORMS } from '../src/layouts/rls/policy-form-names.js';
import type { PolicyForm } from '../src/layouts/rls/policy-form-names.js';
import { applyPolicyForm } from '../src/layouts/rls/policy-forms.js';
import { datasetChecksum } from '../src/seed-check.js';
import type { EmbeddedTarget } from '../src/target/embedded-target.js';
import { QUERIES } from '../src/workload/query-registry.js';
import type { TenantPlan } from '../seed/tenant-plan.js';
import { startSeeded } from './seeded-target.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
let seeded: string;
const rls = layoutOf('rls');

before(async () => {
  ({ target, ctx } = await startSeeded('rls', 'tbpf'));
  seeded = datasetChecksum(await rls.checksums(ctx));
});
after(async () => {
  await target?.stop();
});

const withForm = (form: PolicyForm): LayoutContext => ({
  ...ctx,
  scenario: { ...ctx.scenario, layoutOptions: { ...ctx.scenario.layoutOptions, rls: { policy: form } } },
});

/** Where each form tests tenant_id on the orders scan of the headline join and of the point lookup. */
const EXPECTED: Record<PolicyForm, { recent: string; lookup: string; initPlan?: true; hashedSubPlan?: true }> = {
  setting: { recent: 'index-cond', lookup: 'index-cond' },
  'function-stable': { recent: 'index-cond', lookup: 'index-cond' },
  'function-volatile': { recent: 'filter', lookup: 'filter' },
  subquery: { recent: 'index-cond', lookup: 'index-cond', initPlan: true },
  membership: { recent: 'filter', lookup: 'filter', hashedSubPlan: true },
  'no-index': { recent: 'filter', lookup: 'index-cond' },
};

describe('every RLS policy form keeps tenants apart and has its plan shape', () => {
  for (const form of POLICY_FORMS) {
    it(`${form}: own rows only, WITH CHECK refuses another tenant's row, plan shape as expected`, async () => {
      const [a, b] = ctx.plan.tenants as [TenantPlan, TenantPlan];
      await withAdmin(target, rls.databases(ctx)[0]!, (c) => applyPolicyForm(c, form, rls.tableUnits(ctx)[0]!.rlsRole!));
      const router = rls.router(withForm(form), { maxConnections: 1 });
      try {
        await withTenantSession(router, a, async (s) => {
          const n = await s.query<{ n: number; other: number }>(
            'SELECT count(*)::int AS n, count(*) FILTER (WHERE tenant_id <> $1)::int AS other FROM orders',
            [a.id],
          );
          assert.deepEqual(n.rows[0], { n: a.counts.orders, other: 0 });
          const t = await s.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants');
          assert.equal(t.rows[0]!.n, 1, 'the tenants directory shows the own tenant only');
          await s.query('SET LOCAL enable_seqscan = off');
          const recent = await explainQuery(
            s,
            QUERIES['recent-orders'].sql({ tenantFilter: false, tenantColumn: true }).text,
            ['2025-06-01T00:00:00Z'],
            'orders',
            1,
          );
          const lookup = await explainQuery(
            s,
            QUERIES['point-lookup'].sql({ tenantFilter: false, tenantColumn: true }).text,
            [a.idStart.orders],
            'orders',
            1,
          );
          const e = EXPECTED[form];
          assert.equal(recent.shape.tenantPredicate, e.recent, recent.plan.join('\n'));
          assert.equal(lookup.shape.tenantPredicate, e.lookup, lookup.plan.join('\n'));
          assert.equal(recent.shape.initPlans > 0, e.initPlan ?? false, recent.plan.join('\n'));
          assert.equal(recent.shape.hashedSubPlan, e.hashedSubPlan ?? false, recent.plan.join('\n'));
          if (form === 'no-index') assert.doesNotMatch(recent.shape.scan ?? '', /orders_created_at_idx/);
          assert.ok((recent.executionMs ?? -1) >= 0);
          await s.query('SAVEPOINT refused');
          await assert.rejects(
            s.query(
              `INSERT INTO customers (tenant_id, id, name, email, country, segment, created_at, attrs)
               VALUES ($1, 900000001, 'x', 'x@tenantbench.invalid', 'US', 'smb', now(), '{}')`,
              [b.id],
            ),
            (err: { code?: string }) => err.code === '42501',
          );
          await s.query('ROLLBACK TO SAVEPOINT refused');
        });
      } finally {
        await router.close();
      }
    });
  }

  it('the rows are unchanged by taking the tables through every form (checksums), and setting is back', async () => {
    assert.equal(datasetChecksum(await rls.checksums(ctx)), seeded, 'after every form');
    await withAdmin(target, rls.databases(ctx)[0]!, (c) => applyPolicyForm(c, 'setting', rls.tableUnits(ctx)[0]!.rlsRole!));
    assert.equal(datasetChecksum(await rls.checksums(ctx)), seeded, 'back to setting');
  });

  it("ab's per-side form (side-policy.ts): the side's context, the tables taken to its form and back", async () => {
    const qual = async () =>
      (
        await withAdmin(target, rls.databases(ctx)[0]!, (c) =>
          c.query<{ qual: string }>("SELECT qual FROM pg_policies WHERE tablename = 'orders' AND policyname = 'tenant_isolation'"),
        )
      ).rows[0]!.qual;
    assert.equal(sideContext(ctx, ctx.scenario), ctx);
    const volatile = sideContext(ctx, withForm('function-volatile').scenario);
    assert.equal(volatile.scenario.layoutOptions.rls.policy, 'function-volatile');
    assert.equal(await applySidePolicy(ctx, 'setting', 'function-volatile'), 'function-volatile');
    assert.match(await qual(), /tenantbench_tenant_volatile/);
    assert.equal(await applySidePolicy(ctx, 'function-volatile', 'function-volatile'), 'function-volatile');
    assert.equal(await applySidePolicy(ctx, 'function-volatile', 'setting'), 'setting');
    assert.doesNotMatch(await qual(), /tenantbench_tenant/);
    assert.equal(datasetChecksum(await rls.checksums(ctx)), seeded);
  });
});
