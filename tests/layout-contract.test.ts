/**
 * One contract suite, run against every layout on a real embedded PostgreSQL with small data:
 * provisioning, row counts, identical checksums, tenant-scoped sessions, role properties, the
 * database layout's connection cap.
 */
import { connect } from '../src/db/client.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LAYOUT_NAMES } from '../src/config/scenario-schema.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import { withAdmin } from '../src/db/client.js';
import type { Layout, LayoutContext, TableChecksums, TenantRouter } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { dedicatedTenants } from '../src/layouts/hybrid/hybrid-layout.js';
import { compareLayouts } from '../src/seed-check.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import { TENANT_TABLES } from '../seed/tenant-plan.js';
import { sessionLevelRouter } from '../src/pooler/session-pinned-router.js';
import { tinyScenario } from './helpers.js';
import { checkLocations } from './layout-location-check.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
const sums = new Map<LayoutName, Map<string, TableChecksums>>();
const impls = new Map<LayoutName, Layout>();

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  ctx = makeLayoutContext({ target, scenario: tinyScenario(), prefix: 'tbt', serverVersionNum: 150000 });
  for (const name of LAYOUT_NAMES) {
    const impl = layoutOf(name);
    impls.set(name, impl);
    await impl.seed(ctx);
    (ctx.seeded as Set<LayoutName>).add(name);
    sums.set(name, await impl.checksums(ctx));
  }
});

after(async () => {
  await target?.stop();
});

async function databases(): Promise<string[]> {
  return withAdmin(target, 'postgres', async (c) =>
    (await c.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')).rows.map((r) => r.datname),
  );
}

/** Count a tenant's orders through its own session (the shared baseline adds its filter). */
async function ordersSeen(router: TenantRouter, slug: string): Promise<{ count: number; foreign: number }> {
  const tenant = ctx.plan.tenants.find((t) => t.slug === slug)!;
  const s = await router.acquire(tenant);
  try {
    const filter = s.needsTenantFilter ? ' WHERE tenant_id = $1' : '';
    const r = await s.query<{ n: string }>(`SELECT count(*)::text AS n FROM orders${filter}`, s.needsTenantFilter ? [tenant.id] : []);
    // Rows reachable through joins must also be this tenant's: items of the orders seen.
    const j = await s.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM orders o JOIN order_items i ON i.order_id = o.id${s.needsTenantFilter ? ' AND i.tenant_id = o.tenant_id WHERE o.tenant_id = $1' : ''}`,
      s.needsTenantFilter ? [tenant.id] : [],
    );
    await s.release();
    return { count: Number(r.rows[0]!.n), foreign: Number(j.rows[0]!.n) - tenant.counts.order_items };
  } catch (err) {
    await s.release(err);
    throw err;
  }
}

for (const name of LAYOUT_NAMES) {
  describe(`layout ${name}`, () => {
    it('provisions its databases', async () => {
      const have = await databases();
      for (const db of impls.get(name)!.databases(ctx)) assert.ok(have.includes(db), `${db} exists`);
    });

    it('holds exactly the planned rows for every tenant and table', () => {
      const s = sums.get(name)!;
      for (const t of ctx.plan.tenants) {
        for (const table of TENANT_TABLES) assert.equal(s.get(t.slug)?.[table].rows, t.counts[table], `${t.slug}.${table}`);
      }
    });

    it('has the same per-tenant checksums as every other layout', () => {
      const ds = compareLayouts(ctx.plan, sums);
      assert.deepEqual(ds.mismatches, []);
      assert.equal(ds.identicalAcrossLayouts, true);
      assert.deepEqual(sums.get(name), sums.get('shared'));
    });

    it('says where each tenant lives: the database, schema and roles of its sessions, pooled tables, tiers and units', async () => {
      await checkLocations(impls.get(name)!, ctx);
    });

    it('sets a session-level context that scopes a connection to its tenant, or says why it has none', async () => {
      const made = sessionLevelRouter(ctx, name, 2);
      if ('reason' in made) {
        assert.ok(['shared', 'database', 'hybrid'].includes(name), `${name}: ${made.reason}`);
        assert.match(made.reason, /\w/);
        return;
      }
      try {
        for (const t of ctx.plan.tenants) {
          const seen = await ordersSeen(made, t.slug);
          assert.equal(seen.count, t.counts.orders, `${name}/${t.slug} orders`);
          assert.equal(seen.foreign, 0, `${name}/${t.slug} joined items`);
        }
      } finally {
        await made.close();
      }
    });

    it("hands out sessions that see only their tenant's rows", async () => {
      const router = impls.get(name)!.router(ctx, { maxConnections: 4 });
      try {
        for (const t of ctx.plan.tenants) {
          const seen = await ordersSeen(router, t.slug);
          assert.equal(seen.count, t.counts.orders, `${name}/${t.slug} orders`);
          assert.equal(seen.foreign, 0, `${name}/${t.slug} joined items`);
        }
      } finally {
        await router.close();
      }
    });
  });
}

describe('rls layout configuration', () => {
  it('uses an application role that is not superuser, not BYPASSRLS and owns no table; tables have FORCE RLS and a policy', async () => {
    const db = ctx.naming.db('rls');
    const role = ctx.naming.role('rls_app');
    await withAdmin(target, db, async (c) => {
      const r = await c.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
        'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1',
        [role],
      );
      assert.deepEqual(r.rows[0], { rolsuper: false, rolbypassrls: false });
      const tables = await c.query<{
        relname: string;
        owner: string;
        relrowsecurity: boolean;
        relforcerowsecurity: boolean;
        policies: string;
      }>(
        `SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, c.relrowsecurity, c.relforcerowsecurity,
                (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::text AS policies
           FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'`,
      );
      assert.equal(tables.rows.length, 5);
      for (const t of tables.rows) {
        assert.notEqual(t.owner, role, `${t.relname} not owned by the app role`);
        assert.equal(t.relrowsecurity, true, `${t.relname} ENABLE`);
        assert.equal(t.relforcerowsecurity, true, `${t.relname} FORCE`);
        assert.equal(t.policies, '1', `${t.relname} policy`);
      }
    });
  });

  it("shows nothing without a tenant context, and refuses writing another tenant's row", async () => {
    const role = ctx.naming.role('rls_app');
    const c = await connect(target.config(ctx.naming.db('rls'), { name: role, password: ctx.naming.password(role) }));
    try {
      assert.equal((await c.query('SELECT * FROM orders')).rowCount, 0);
      const [a, b] = ctx.plan.tenants;
      await c.query('BEGIN');
      await c.query("SELECT set_config('app.tenant_id', $1, true)", [a!.id]);
      await assert.rejects(
        c.query("INSERT INTO customers VALUES ($1, 999999, 'x', 'x@example.com', 'US', 'smb', now(), '{}')", [b!.id]),
        (err: { code?: string }) => err.code === '42501',
      );
      await c.query('ROLLBACK');
      // After a transaction-local SET ended, current_setting returns '' and must still mean "nothing".
      assert.equal((await c.query('SELECT * FROM orders')).rowCount, 0);
    } finally {
      await c.end();
    }
  });
});

describe('database layout', () => {
  it('never holds more server connections than its cap, even when more tenants are busy at once', async () => {
    const cap = ctx.scenario.layoutOptions.database.maxConnections;
    assert.ok(ctx.plan.tenants.length > cap, 'the test needs more tenants than the cap');
    const router = impls.get('database')!.router(ctx);
    const roles = ctx.plan.tenants.map((t) => ctx.naming.role(`db_${t.slug}`));
    let peakSeen = 0;
    // One sampling connection, one query at a time: a connection per tick piles up on a slow
    // machine and exhausts max_connections itself.
    const admin = await connect(target.config('postgres'));
    let sampling = false;
    const sampler = setInterval(() => {
      if (sampling) return;
      sampling = true;
      admin
        .query<{ n: string }>('SELECT count(*)::text AS n FROM pg_stat_activity WHERE usename = ANY($1)', [roles])
        .then((r) => (peakSeen = Math.max(peakSeen, Number(r.rows[0]!.n))))
        .catch(() => {})
        .finally(() => (sampling = false));
    }, 20);
    try {
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const t = ctx.plan.tenants[i % ctx.plan.tenants.length]!;
          const s = await router.acquire(t);
          await s.query('SELECT pg_sleep(0.02)');
          await s.release();
        }),
      );
    } finally {
      clearInterval(sampler);
      while (sampling) await new Promise((r) => setTimeout(r, 5));
      await admin.end();
    }
    const stats = router.stats();
    await router.close();
    assert.ok(stats.peakOpen <= cap, `router peak ${stats.peakOpen} <= cap ${cap}`);
    assert.ok(peakSeen <= cap, `server saw ${peakSeen} <= cap ${cap}`);
    assert.ok(stats.closed > 0, 'least recently used connections were closed to make room');
  });

  it('gives each tenant role CONNECT on its own database only', async () => {
    const [a, b] = ctx.plan.tenants;
    const role = ctx.naming.role(`db_${a!.slug}`);
    await assert.rejects(
      connect(target.config(ctx.naming.db(`db_${b!.slug}`), { name: role, password: ctx.naming.password(role) })),
      (err: { code?: string }) => err.code === '42501',
    );
  });
});

describe('hybrid layout', () => {
  it('puts the dedicated tier in its own database and the rest in the RLS tables', async () => {
    const dedicated = dedicatedTenants(ctx);
    assert.deepEqual(
      dedicated.map((t) => t.slug),
      ['t0001'],
    );
    const have = await databases();
    assert.ok(have.includes(ctx.naming.db('hybrid_t0001')));
    const pooled = await withAdmin(target, ctx.naming.db('hybrid'), async (c) =>
      (await c.query<{ slug: string }>('SELECT slug FROM tenants ORDER BY slug')).rows.map((r) => r.slug),
    );
    assert.deepEqual(pooled, ['t0002', 't0003', 't0004', 't0005']);
  });
});

/** Seed a variant under its own prefix, run `fn`, destroy it. */
async function withVariant(prefix: string, name: LayoutName, options: Record<string, unknown>, fn: (c: LayoutContext) => Promise<void>) {
  const scenario = tinyScenario({ layouts: [name], layoutOptions: { database: { maxConnections: 3 }, ...options } });
  const c = makeLayoutContext({ target, scenario, prefix, serverVersionNum: 150000 });
  await layoutOf(name).seed(c);
  try {
    await fn(c);
  } finally {
    await layoutOf(name).destroy(c);
  }
}

/** Roles that may log in, with their CONNECTION LIMIT, under a prefix. */
async function loginRoles(prefix: string): Promise<Map<string, number>> {
  return withAdmin(target, 'postgres', async (c) => {
    const r = await c.query<{ rolname: string; lim: number }>(
      'SELECT rolname, rolconnlimit AS lim FROM pg_roles WHERE rolcanlogin AND rolname LIKE $1 ORDER BY 1',
      [`${prefix}\\_%`],
    );
    return new Map(r.rows.map((x) => [x.rolname, x.lim]));
  });
}

describe('schema layout with a role per tenant', () => {
  it("logs in as the tenant's own role (with a CONNECTION LIMIT), which uses its own schema only and cannot become another tenant", async () => {
    await withVariant('tbr', 'schema', { schema: { rolePerTenant: true } }, async (c2) => {
      const impl = layoutOf('schema');
      await checkLocations(impl, c2);
      const roles = await loginRoles('tbr');
      assert.deepEqual(
        [...roles.keys()],
        c2.plan.tenants.map((t) => c2.naming.role(`schema_${t.slug}`)),
        'one login role per tenant, no shared application role',
      );
      for (const [role, lim] of roles) assert.ok(lim > 0 && lim < 100, `${role}: CONNECTION LIMIT ${lim}`);
      const router = impl.router(c2);
      const [a, b] = c2.plan.tenants;
      const s = await router.acquire(a!);
      try {
        assert.equal(Number((await s.query<{ n: string }>('SELECT count(*) AS n FROM orders')).rows[0]!.n), a!.counts.orders);
        await assert.rejects(s.query(`SELECT count(*) FROM "${b!.slug}".orders`), (err: { code?: string }) => err.code === '42501');
        await s.release(new Error('done'));
        const s2 = await router.acquire(a!);
        await assert.rejects(
          s2.query(`SET LOCAL ROLE "${c2.naming.role(`schema_${b!.slug}`)}"`),
          (err: { code?: string }) => err.code === '42501',
        );
        await s2.release(new Error('done'));
      } finally {
        await router.close();
      }
    });
  });

  it("keeps the pool's cap over all tenants' login roles", async () => {
    await withVariant('tbq', 'schema', { schema: { rolePerTenant: true } }, async (c2) => {
      const cap = 2;
      const router = layoutOf('schema').router(c2, { maxConnections: cap });
      try {
        await Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            const s = await router.acquire(c2.plan.tenants[i % c2.plan.tenants.length]!);
            await s.query('SELECT pg_sleep(0.01)');
            await s.release();
          }),
        );
        const stats = router.stats();
        assert.ok(stats.peakOpen <= cap, `peak ${stats.peakOpen} <= cap ${cap}`);
        assert.ok(stats.closed > 0, "idle connections of other tenants' roles were closed to make room");
      } finally {
        await router.close();
      }
    });
  });
});

describe('hybrid layout with the dedicated tier in schemas', () => {
  it("logs the dedicated tenant in as its own role; the pooled tier's role has no privilege on its schema", async () => {
    await withVariant('tbh', 'hybrid', { hybrid: { dedicated: 1, placement: 'schema' } }, async (c2) => {
      const impl = layoutOf('hybrid');
      await checkLocations(impl, c2);
      const [dedicated] = dedicatedTenants(c2);
      const roles = await loginRoles('tbh');
      assert.deepEqual([...roles.keys()], [c2.naming.role('hybrid_app'), c2.naming.role(`hybrid_${dedicated!.slug}`)].sort());
      const usage = await withAdmin(target, c2.naming.db('hybrid'), async (c) =>
        c.query<{ u: boolean }>('SELECT has_schema_privilege($1, $2, $3) AS u', [c2.naming.role('hybrid_app'), dedicated!.slug, 'USAGE']),
      );
      assert.equal(usage.rows[0]!.u, false);
    });
  });
});
