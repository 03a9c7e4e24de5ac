/**
 * The rls layout's isolation claims, each tested by the mechanism it names:
 * - WITH CHECK: an INSERT that reads nothing back (no RETURNING, so the read policy cannot be what
 *   refuses it), as the application role through the router, carrying another tenant's id: refused
 *   (42501) and nothing written; the same insert for the session's own tenant goes through.
 * - FORCE ROW LEVEL SECURITY: the table owner (not superuser) is subject to the policies too: it
 *   sees only the tenant in context, nothing without one, and cannot write for another tenant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withAdmin } from '../src/db/client.js';
import type { DbClient } from '../src/db/types.js';
import { ident } from '../src/db/sql.js';
import type { LayoutContext } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { rlsContextSql } from '../src/layouts/common/rls-policy.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import type { TenantPlan } from '../seed/tenant-plan.js';
import { tinyScenario } from './helpers.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
const rls = layoutOf('rls');

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  ctx = makeLayoutContext({ target, scenario: tinyScenario(), prefix: 'tbwc', serverVersionNum: 150000 });
  await rls.seed(ctx);
});
after(async () => {
  await target?.stop();
});

/** A customer row for `owner`, reading nothing back. */
const insertCustomer = (owner: TenantPlan, id: number) => ({
  text: `INSERT INTO customers (tenant_id, id, name, email, country, segment, created_at, attrs)
         VALUES ($1, $2, 'tenantbench test', $3, 'US', 'smb', now(), '{}')`,
  values: [owner.id, id, `test.${id}@tenantbench.invalid`],
});
const refusedByPolicy = (e: { code?: string; message?: string }) =>
  e.code === '42501' && /new row violates row-level security policy for table "customers"/.test(e.message ?? '');
const admin = <T>(fn: (c: DbClient) => Promise<T>) => withAdmin(target, rls.databases(ctx)[0]!, fn);
const rowsWithId = (id: number) =>
  admin(async (c) => Number((await c.query<{ n: string }>('SELECT count(*)::text AS n FROM customers WHERE id = $1', [id])).rows[0]!.n));

describe('rls: WITH CHECK, by an insert that reads nothing back', () => {
  it("refuses, as the application role, a row carrying another tenant's id (42501); writes its own tenant's", async () => {
    const [a, b] = ctx.plan.tenants as [TenantPlan, TenantPlan];
    const router = rls.router(ctx, { maxConnections: 1 });
    try {
      const s = await router.acquire(a);
      try {
        await assert.rejects(s.query(insertCustomer(b, 900_000_001)), refusedByPolicy);
      } finally {
        // Rolled back either way: a row that got through must not be committed.
        await s.release(new Error('expected refusal'));
      }
      assert.equal(await rowsWithId(900_000_001), 0, 'nothing written');
      const own = await router.acquire(a);
      const r = await own.query(insertCustomer(a, 900_000_002));
      assert.equal(r.rowCount, 1);
      await own.release();
      assert.equal(await rowsWithId(900_000_002), 1, 'the own-tenant insert went through');
    } finally {
      await router.close();
    }
  });
});

describe('rls: FORCE ROW LEVEL SECURITY, with the table owner', () => {
  it('the owner (not superuser) sees only the tenant in context, nothing without one, and cannot write for another', async () => {
    const [a, b] = ctx.plan.tenants as [TenantPlan, TenantPlan];
    const owner = ctx.naming.role('table_owner');
    await admin(async (c) => {
      await c.query(`CREATE ROLE ${ident(owner)} NOLOGIN NOSUPERUSER NOBYPASSRLS`);
      await c.query(`ALTER TABLE customers OWNER TO ${ident(owner)}`);
    });
    await admin(async (c) => {
      // As the superuser (which bypasses RLS): the tenant's rows, including any written above.
      const own = (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE tenant_id = $1', [a.id])).rows[0]!.n;
      assert.ok(own > 0);
      await c.query('BEGIN');
      try {
        await c.query(`SET LOCAL ROLE ${ident(owner)}`);
        const count = async () =>
          (
            await c.query<{ n: number; other: number }>(
              'SELECT count(*)::int AS n, count(*) FILTER (WHERE tenant_id <> $1)::int AS other FROM customers',
              [a.id],
            )
          ).rows[0]!;
        assert.deepEqual(await count(), { n: 0, other: 0 }, 'no tenant context: no rows, even for the owner');
        await c.query(rlsContextSql(a));
        assert.deepEqual(await count(), { n: own, other: 0 }, "the tenant's rows only");
        await c.query('SAVEPOINT before_insert');
        await assert.rejects(c.query(insertCustomer(b, 900_000_003)), refusedByPolicy);
        await c.query('ROLLBACK TO SAVEPOINT before_insert');
      } finally {
        await c.query('ROLLBACK');
      }
    });
  });
});
