/**
 * The contract's "where does this tenant live" answers checked against the server: a session the
 * layout's router hands out for a tenant runs in the database, schema and role `locate` names, on
 * tables with tenant_id exactly when it says they are pooled; tiers and table units cover every
 * tenant once and agree with `locate`. Shared by the contract suite and the test-only layout.
 */
import assert from 'node:assert/strict';
import type { Layout, LayoutContext } from '../src/layouts/layout.js';

export async function checkLocations(impl: Layout, ctx: LayoutContext): Promise<void> {
  const locate = impl.locate(ctx);
  const slugs = ctx.plan.tenants.map((t) => t.slug).sort();
  assert.deepEqual(
    impl
      .tiers(ctx)
      .flatMap((x) => x.tenants.map((t) => t.slug))
      .sort(),
    slugs,
    'every tenant in exactly one tier',
  );
  for (const tier of impl.tiers(ctx)) for (const t of tier.tenants) assert.equal(locate(t).pooled, tier.pooled, `${t.slug} tier`);
  const units = impl.tableUnits(ctx);
  assert.deepEqual(units.flatMap((u) => u.tenants.map((t) => t.slug)).sort(), slugs, 'every tenant in exactly one table unit');
  for (const u of units) {
    for (const t of u.tenants) {
      const where = locate(t);
      assert.deepEqual([where.unit, where.database, where.schema, where.pooled], [u.key, u.db, u.schema, u.pooled], `${t.slug} unit`);
      assert.equal(u.rlsRole, where.rls ? where.tenantRole : null, `${t.slug} unit rlsRole`);
    }
  }
  const router = impl.router(ctx, { maxConnections: 2 });
  try {
    for (const t of ctx.plan.tenants) {
      const where = locate(t);
      assert.equal(locate(t), where, 'locate is memoised');
      for (const db of [where.database]) assert.ok(impl.databases(ctx).includes(db), `${t.slug}: ${db} is one of the layout's databases`);
      const s = await router.acquire(t);
      try {
        const r = await s.query<{ db: string; usr: string; sess: string; schema: string | null; pooled: boolean }>(
          `SELECT current_database() AS db, current_user AS usr, session_user AS sess,
                  (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = to_regclass('orders')) AS schema,
                  EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('orders') AND attname = 'tenant_id') AS pooled`,
        );
        await s.release();
        assert.deepEqual(
          r.rows[0],
          { db: where.database, usr: where.tenantRole, sess: where.loginRole, schema: where.schema, pooled: where.pooled },
          `${impl.name}/${t.slug}`,
        );
        assert.equal(s.needsTenantFilter, where.appFilter, `${impl.name}/${t.slug} needsTenantFilter`);
      } catch (err) {
        await s.release(err).catch(() => {});
        throw err;
      }
    }
  } finally {
    await router.close();
  }
}
