import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policyPredicate } from '../common/rls-policy.js';
import { POLICY_FORMS } from './policy-form-names.js';
import { appUser, formContextSql, formPredicate, indexDdl, policyFormDdl } from './policy-forms.js';

const tenant = { slug: 't0003', id: '0b7c2e4a-1d2f-4a5b-9c8d-7e6f5a4b3c2d' } as Parameters<ReturnType<typeof formContextSql>>[0];

describe('RLS policy forms: the SQL of each', () => {
  it('setting and no-index keep the policy as it always was; the others read the tenant their own way', () => {
    assert.equal(formPredicate('setting', 'tenant_id'), policyPredicate('tenant_id'));
    assert.equal(formPredicate('no-index', 'tenant_id'), policyPredicate('tenant_id'));
    assert.equal(formPredicate('function-stable', 'tenant_id'), "tenant_id = tenantbench_tenant_stable('app.tenant_id')");
    assert.equal(formPredicate('function-volatile', 'id'), "id = tenantbench_tenant_volatile('app.tenant_id')");
    assert.equal(formPredicate('subquery', 'tenant_id'), "tenant_id = (SELECT tenantbench_tenant_volatile('app.tenant_id'))");
    assert.match(
      formPredicate('membership', 'tenant_id'),
      /^tenant_id IN \(SELECT m\.tenant_id FROM memberships m WHERE m\.member = NULLIF\(current_setting\('app\.user', true\), ''\)\)$/,
    );
  });

  it('every form re-creates one FOR ALL policy with USING and WITH CHECK on each pooled table, with ENABLE and FORCE', () => {
    for (const form of POLICY_FORMS) {
      const ddl = policyFormDdl(form, 'tb_rls_app');
      const creates = ddl.filter((s) => s.startsWith('CREATE POLICY tenant_isolation'));
      assert.equal(creates.length, 5, form);
      for (const c of creates) assert.match(c, /FOR ALL USING \((.+)\) WITH CHECK \(\1\)$/, form);
      const forced = ddl.filter((s) => s.endsWith('FORCE ROW LEVEL SECURITY') && !s.includes('memberships'));
      assert.equal(forced.length, 5, form);
      // Drops come before creates: any form can follow any other.
      assert.ok(ddl.findIndex((s) => s.startsWith('DROP POLICY')) < ddl.findIndex((s) => s.startsWith('CREATE POLICY')));
    }
  });

  it('the functions are plpgsql (never inlined), STABLE and VOLATILE, and exist only for the forms calling them', () => {
    const fns = policyFormDdl('function-stable', 'r').filter((s) => s.startsWith('CREATE OR REPLACE FUNCTION'));
    assert.equal(fns.length, 2);
    assert.ok(fns.every((f) => f.includes('LANGUAGE plpgsql')));
    assert.match(fns[0]!, /tenantbench_tenant_stable.* STABLE /);
    assert.match(fns[1]!, /tenantbench_tenant_volatile.* VOLATILE /);
    assert.ok(!policyFormDdl('setting', 'r').some((s) => s.includes('FUNCTION')));
  });

  it('membership: its table only under that form, readable (not writable) by the application role, under its own policy', () => {
    const m = policyFormDdl('membership', 'tb_rls_app');
    assert.ok(m.some((s) => s.startsWith('CREATE TABLE IF NOT EXISTS "public".memberships')));
    assert.ok(m.includes('REVOKE ALL ON "public".memberships FROM "tb_rls_app"'));
    assert.ok(m.includes('GRANT SELECT ON "public".memberships TO "tb_rls_app"'));
    assert.ok(m.some((s) => /CREATE POLICY member_self .* WITH CHECK \(false\)$/.test(s)));
    assert.ok(policyFormDdl('setting', 'r').includes('DROP TABLE IF EXISTS "public".memberships'));
  });

  it('no-index rebuilds orders_created_at_idx without tenant_id; every other form puts it back', () => {
    assert.deepEqual(indexDdl('no-index'), [
      'CREATE INDEX IF NOT EXISTS "orders_created_at_notenant_idx" ON "public"."orders" (created_at DESC)',
      'DROP INDEX IF EXISTS "public"."orders_created_at_idx"',
    ]);
    assert.deepEqual(indexDdl('subquery'), [
      'CREATE INDEX IF NOT EXISTS "orders_created_at_idx" ON "public"."orders" (tenant_id, created_at DESC)',
      'DROP INDEX IF EXISTS "public"."orders_created_at_notenant_idx"',
    ]);
  });

  it('the context: the tenant (as the router always set it), and under membership the user too', () => {
    assert.equal(formContextSql('setting')(tenant), `SELECT set_config('app.tenant_id', '${tenant.id}', true)`);
    assert.equal(
      formContextSql('membership', false)(tenant),
      `SELECT set_config('app.tenant_id', '${tenant.id}', false), set_config('app.user', 't0003-member-1', false)`,
    );
    assert.equal(appUser(tenant), 't0003-member-1');
  });
});
