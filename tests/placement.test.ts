/**
 * Tenants placed on several servers: two real embedded servers on different ports. Each tenant's
 * database (database layout, hybrid's dedicated tier) and role exist on exactly the server the
 * placement says; sessions reach that server; the checksums equal the single-server layouts on the
 * primary; migrations and verified backups work per tenant server; the verifier finds no leak and a
 * cross-server login is refused; bad placement input exits 2 naming the field; no server is left.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import type { LayoutName } from '../src/config/scenario-schema.js';
import { withAdmin } from '../src/db/client.js';
import { dedicatedTenants } from '../src/layouts/hybrid/hybrid-layout.js';
import type { LayoutContext, TableChecksums } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { backupLayout } from '../src/operations/backup/backup-stage.js';
import { migrateLayout } from '../src/operations/migrations/migrate-stage.js';
import { migrationNames } from '../src/operations/migrations/migration-runner.js';
import { summarySchema } from '../src/results/summary-schema.js';
import { compareLayouts } from '../src/seed-check.js';
import type { EmbeddedTarget } from '../src/target/embedded-target.js';
import { PlacedTarget } from '../src/target/placed-target.js';
import { assignServer, resolvePlacement } from '../src/target/placement.js';
import type { PlacementSpec } from '../src/target/placement.js';
import { makeProbeEnv } from '../src/verify/probe-env.js';
import { runProbes } from '../src/verify/run-probes.js';
import { processesMentioning, readJson, runCli, shortSmokeScenario, tempDir, tinyScenario, waitNoProcesses } from './helpers.js';

// t0001 (the largest, the hybrid's dedicated tenant) and t0004 on b by name; the others by the rule.
const SPEC: PlacementSpec = {
  source: 'placement-file',
  servers: [
    { name: 'a', url: null },
    { name: 'b', url: null },
  ],
  rule: 'round-robin',
  tenants: { t0001: 'b', t0004: 'b' },
};
const LAYOUTS: LayoutName[] = ['shared', 'rls', 'database', 'hybrid'];

let target: PlacedTarget;
let ctx: LayoutContext;
let dataDirs: string[] = [];
const sums = new Map<LayoutName, Map<string, TableChecksums>>();

async function names(server: number, sql: string, params: unknown[] = []): Promise<string[]> {
  const t = target.servers[server]!.target;
  return withAdmin(t, t.admin.database, async (c) => (await c.query<{ name: string }>(sql, params)).rows.map((r) => r.name));
}

before(async () => {
  target = await PlacedTarget.open(SPEC, { profile: 'test' });
  dataDirs = target.servers.map((s) => (s.target as EmbeddedTarget).baseDir);
  const scenario = tinyScenario({
    layouts: LAYOUTS,
    layoutOptions: { hybrid: { dedicated: 1, placement: 'database' }, database: { maxConnections: 2 } },
  });
  ctx = makeLayoutContext({ target, scenario, prefix: 'tbpl', serverVersionNum: 150000 });
  for (const name of LAYOUTS) {
    await layoutOf(name).seed(ctx);
    (ctx.seeded as Set<LayoutName>).add(name);
    sums.set(name, await layoutOf(name).checksums(ctx));
  }
});

after(async () => {
  await target?.stop();
});

describe('placement over two embedded servers', () => {
  it('runs two servers on different ports', () => {
    const [a, b] = target.servers.map((s) => s.target.admin);
    assert.notEqual(a!.port, b!.port);
  });

  it('puts each tenant database on exactly the server the placement says', async () => {
    const expected = (slug: string) => {
      const t = ctx.plan.tenants.find((x) => x.slug === slug)!;
      return assignServer(SPEC, t);
    };
    assert.equal(expected('t0001'), 1);
    assert.equal(expected('t0004'), 1);
    // Round robin by size rank, starting at the first extra server: t0002 (rank 1) -> a, t0003 (rank 2) -> b.
    assert.equal(expected('t0002'), 0);
    assert.equal(expected('t0003'), 1);
    const onServer = await Promise.all(
      [0, 1].map((i) => names(i, "SELECT datname AS name FROM pg_database WHERE datname LIKE 'tbpl\\_%'")),
    );
    const db = layoutOf('database').locate(ctx);
    for (const t of ctx.plan.tenants) {
      const name = db(t).database;
      const where = [0, 1].filter((i) => onServer[i]!.includes(name));
      assert.deepEqual(where, [expected(t.slug)], `${name} on server ${expected(t.slug)} only`);
    }
    const hybridTier = layoutOf('hybrid').locate(ctx);
    const dedicated = dedicatedTenants(ctx);
    assert.deepEqual(
      dedicated.map((t) => t.slug),
      ['t0001'],
    );
    const hdb = hybridTier(dedicated[0]!).database;
    assert.deepEqual(
      [0, 1].filter((i) => onServer[i]!.includes(hdb)),
      [1],
      `${hdb} on b only`,
    );
    // The pooled layouts live on the primary only; no template database is left anywhere.
    for (const pooled of ['tbpl_shared', 'tbpl_rls', 'tbpl_hybrid'])
      assert.deepEqual(
        [0, 1].filter((i) => onServer[i]!.includes(pooled)),
        [0],
        pooled,
      );
    assert.ok(!onServer.flat().some((n) => n.includes('template')), onServer.flat().join(' '));
  });

  it('creates each tenant role on its own server only', async () => {
    const db = layoutOf('database').locate(ctx);
    const roles = await Promise.all([0, 1].map((i) => names(i, "SELECT rolname AS name FROM pg_roles WHERE rolname LIKE 'tbpl\\_db\\_%'")));
    for (const t of ctx.plan.tenants) {
      const role = db(t).loginRole;
      assert.deepEqual(
        [0, 1].filter((i) => roles[i]!.includes(role)),
        [assignServer(SPEC, t)],
        role,
      );
    }
  });

  it('routes each tenant session to its server, under a cap per server', async () => {
    const router = layoutOf('database').router(ctx);
    try {
      for (const t of ctx.plan.tenants) {
        const s = await router.acquire(t);
        const r = await s.query<{ port: number; db: string }>('SELECT inet_server_port() AS port, current_database() AS db');
        await s.release();
        assert.equal(r.rows[0]!.port, target.servers[assignServer(SPEC, t)]!.target.admin.port, t.slug);
        assert.equal(r.rows[0]!.db, layoutOf('database').locate(ctx)(t).database);
      }
    } finally {
      await router.close();
    }
  });

  it('gives each server its own connection cap (maxConnections 2 each)', async () => {
    const router = layoutOf('database').router(ctx);
    const T = (slug: string) => ctx.plan.tenants.find((t) => t.slug === slug)!;
    try {
      const s1 = await router.acquire(T('t0001'));
      const s3 = await router.acquire(T('t0003'));
      // b holds 2 connections: its cap. A third b tenant waits...
      let got4 = false;
      const p4 = router.acquire(T('t0004')).then((s) => {
        got4 = true;
        return s;
      });
      // ...while a tenant on a is served at once: the cap is not shared across servers.
      const s2 = await router.acquire(T('t0002'));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(got4, false, 'server b is at its cap');
      await s1.release();
      const s4 = await p4;
      for (const s of [s2, s3, s4]) await s.release();
      const st = router.stats();
      assert.equal(st.waits, 1, JSON.stringify(st));
      assert.equal(st.peakOpen, 3, JSON.stringify(st));
    } finally {
      await router.close();
    }
  });

  it('has the same checksums as the single-server layouts on the primary', () => {
    const ds = compareLayouts(ctx.plan, sums);
    assert.equal(ds.identicalAcrossLayouts, true, JSON.stringify(ds.mismatches.slice(0, 3)));
    for (const t of ctx.plan.tenants) {
      assert.deepEqual(sums.get('database')!.get(t.slug), sums.get('rls')!.get(t.slug), t.slug);
      assert.deepEqual(sums.get('hybrid')!.get(t.slug), sums.get('shared')!.get(t.slug), t.slug);
    }
  });

  it('sizes count the tenant databases on both servers', async () => {
    const s = await layoutOf('database').sizes(ctx);
    assert.equal(s.databases, ctx.plan.tenants.length);
    assert.ok(s.tableBytes > 0);
  });

  for (const layout of ['database', 'hybrid'] as const) {
    it(`verifier: ${layout} has no leak, and a login to a tenant database on the other server is refused`, async () => {
      const env = makeProbeEnv(ctx, layout);
      try {
        const results = await runProbes(env);
        const leaks = results.filter((r) => r.outcome === 'leaked');
        assert.equal(leaks.length, 0, leaks.map((r) => `${r.id}: ${JSON.stringify(r.observed)}`).join('\n'));
        const victim = layout === 'database' ? env.victim : env.crossVictim!;
        const serverOfDb = (db: string) => target.serverIndexOf(db);
        assert.notEqual(serverOfDb(env.databaseOf(env.self)), serverOfDb(env.databaseOf(victim)), 'the probe pair spans both servers');
        const connect = results.find((r) => r.id === 'connect-other-database')!;
        assert.equal(connect.outcome, 'blocked', JSON.stringify(connect.observed));
        // The tenant's role does not exist on the other server: the login fails authentication.
        assert.equal(connect.observed.sqlstate, '28P01', JSON.stringify(connect.observed));
        assert.match(String(connect.observed.detail), new RegExp(env.databaseOf(victim)));
        if (layout === 'database') {
          // Only what a database per tenant cannot close by itself (as in verify-probes.test.ts):
          // the dataset's one id counter, and the statistics views PostgreSQL does not filter.
          const inherent = new Set(['statistics-views', 'global-id-counter']);
          const findings = results.filter((r) => r.outcome === 'finding');
          assert.deepEqual(
            findings.filter((r) => !inherent.has(r.id)).map((r) => `${r.id}: ${JSON.stringify(r.observed)}`),
            [],
          );
          assert.ok(
            findings.some((r) => r.id === 'global-id-counter'),
            'the shared id counter is found across servers too',
          );
        }
      } finally {
        await env.router.close();
      }
    });
  }

  it('migrates every tenant database on its own server', async () => {
    const m = await migrateLayout({ ctx, target }, 'database', { parallel: 2 });
    assert.equal(m.status, 'ok', JSON.stringify(m).slice(0, 500));
    const steps = migrationNames().length;
    for (const t of ctx.plan.tenants) {
      const server = target.servers[assignServer(SPEC, t)]!.target;
      const n = await withAdmin(server, layoutOf('database').locate(ctx)(t).database, async (c) =>
        Number((await c.query<{ n: string }>('SELECT count(*)::text AS n FROM tenantbench_migrations')).rows[0]!.n),
      );
      assert.equal(n, steps, t.slug);
    }
  });

  it('backs up and restores (verified) tenants on both servers', async () => {
    const b = await backupLayout({ ctx, target }, 'database', { tenants: ['t0001', 't0002'], jobs: 1 });
    assert.equal(b.status, 'ok', b.reason ?? '');
    const tenantDumps = b.artifacts.filter((a) => a.scope === 'tenant');
    assert.deepEqual(
      tenantDumps.map((a) => [a.tenant, a.status]),
      [
        ['t0001', 'ok'],
        ['t0002', 'ok'],
      ],
    );
    const full = b.artifacts.filter((a) => a.scope === 'full');
    assert.ok(
      full.length === 2 && full.every((a) => a.status === 'ok' && a.databases === ctx.plan.tenants.length && a.restore?.rowsLost === 0),
    );
    // Restores went next to their source and were dropped: no scratch database left on either server.
    const left = await Promise.all(
      [0, 1].map((i) => names(i, "SELECT datname AS name FROM pg_database WHERE datname LIKE 'tbpl\\_restore%'")),
    );
    assert.deepEqual(left.flat(), []);
  });

  it('stops both servers: no postgres process is left', async () => {
    await target.stop();
    for (const dir of dataDirs) assert.deepEqual(await waitNoProcesses(dir), [], `a process still mentions ${dir}`);
  });
});

describe('placement input', () => {
  const dir = tempDir('tb-placement-');
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  for (const [label, text, field] of [
    ['an unknown server', 'servers: [{name: a}, {name: b}]\ntenants: {t0002: c}\n', /tenants\.t0002.*unknown server "c".*allowed: a, b/s],
    ['a tenant the scenario does not have', 'servers: [{name: a}, {name: b}]\ntenants: {t0099: b}\n', /tenants\.t0099.*not a tenant/s],
    ['an unknown field', 'servers: [{name: a}, {name: b}]\nshards: 4\n', /field "shards".*allowed: servers, rule, tenants/s],
    ['an unknown rule', 'servers: [{name: a}, {name: b}]\nrule: hash\n', /field "rule".*allowed: round-robin, extra-servers/s],
    ['a server listed twice', 'servers: [{name: a}, {name: a}]\n', /servers\.1\.name.*twice/s],
    ['urls for some servers only', 'servers: [{name: a, url: "postgres://u:p@127.0.0.1:5999/postgres"}, {name: b}]\n', /servers\.1\.url/],
  ] as const) {
    it(`a placement file with ${label} exits 2 naming the field, before any server starts`, async () => {
      const r = await runCli(
        [
          'seed',
          '--scenario',
          'smoke',
          '--layouts',
          'database',
          '--placement',
          file(`${label.replace(/\W+/g, '-')}.yaml`, text),
          '--profile',
          'test',
        ],
        { timeoutMs: 30_000 },
      );
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, field);
      assert.doesNotMatch(r.stdout + r.stderr, /embedded PostgreSQL/);
    });
  }

  for (const args of [
    ['--servers', '0'],
    ['--servers', '2', '--database-url', 'postgres://u:p@127.0.0.1:5999/postgres'],
    ['--servers', '2', '--pg-data', '/tmp/tb-never-created'],
    ['--database-url', 'postgres://u:p@127.0.0.1:5999/postgres', '--database-url', 'postgres://u:p@127.0.0.1:5999/other'],
  ]) {
    it(`${args.join(' ')} exits 2`, async () => {
      const r = await runCli(['seed', '--scenario', 'smoke', ...args], { timeoutMs: 30_000 });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /embedded PostgreSQL/);
    });
  }

  it('--servers 3 places by size rank, round robin from the first extra server', () => {
    const spec = resolvePlacement({ databaseUrls: [], servers: 3, target: 'embedded' }, 7)!;
    const servers = Array.from({ length: 7 }, (_, i) => assignServer(spec, { index: i, slug: `t000${i + 1}` }));
    assert.deepEqual(servers, [1, 2, 0, 1, 2, 0, 1]);
    const extra = { ...spec, rule: 'extra-servers' as const };
    assert.deepEqual(
      Array.from({ length: 4 }, (_, i) => assignServer(extra, { index: i, slug: `t000${i + 1}` })),
      [1, 2, 1, 2],
    );
    assert.equal(resolvePlacement({ databaseUrls: [], servers: 1, target: 'embedded' }, 7), null);
  });
});

describe('all --servers 2', () => {
  it('completes for database and hybrid, records the placement and leaves no server behind', async () => {
    const results = tempDir('tb-placement-cli-');
    const r = await runCli(
      [
        'all',
        '--scenario',
        shortSmokeScenario(),
        '--layouts',
        'database,hybrid',
        '--tenants',
        '4',
        '--rows',
        '1200',
        '--servers',
        '2',
        '--profile',
        'test',
        '--results-dir',
        results,
        '--reports-dir',
        join(results, 'reports'),
        '--parallel',
        '2',
        '-j',
        '1',
        '-q',
      ],
      { timeoutMs: 400_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const dirs = [...(r.stdout + r.stderr).matchAll(/data in (\S+)/g)].map((m) => m[1]!);
    assert.equal(dirs.length, 2, r.stdout);
    for (const d of dirs) assert.deepEqual(await waitNoProcesses(d), [], `a process still mentions ${d}`);
    const bundle = /results: (\S+)/.exec(r.stdout)?.[1];
    assert.ok(bundle, r.stdout);
    const s = summarySchema.parse(readJson(join(bundle, 'summary.json')));
    assert.equal(s.status, 'ok');
    const p = s.placement!;
    assert.equal(p.source, 'servers');
    assert.equal(p.servers.length, 2);
    assert.notEqual(p.servers[0]!.port, p.servers[1]!.port);
    assert.deepEqual(
      p.servers.map((x) => x.tenants),
      [
        ['t0002', 't0004'],
        ['t0001', 't0003'],
      ],
    );
    // database layout: 2 tenant databases per server; hybrid's dedicated t0001 on s2; pooled databases on s1.
    assert.deepEqual(
      p.servers.map((x) => x.tenantDatabases),
      [2, 3],
    );
    assert.ok(p.servers.every((x) => (x.databaseBytes ?? 0) > 0));
    assert.equal(s.dataset.identicalAcrossLayouts, true);
    assert.equal(s.isolation?.leaked, 0);
    for (const l of ['database', 'hybrid'] as const) {
      assert.equal(s.layouts[l]!.migration?.status, 'ok', l);
      assert.equal(s.layouts[l]!.backup?.status, 'ok', l);
    }
    const report = /report: (\S+)/.exec(r.stdout)?.[1];
    assert.ok(report, r.stdout);
    const md = readFileSync(report, 'utf8');
    assert.match(md, /Placement/);
    assert.match(md, /\| s2 \| 127\.0\.0\.1:\d+ \| [^|]+ \| t0001 t0003 \| 3 \| 3 \| [\d.]+ \|/);
    assert.equal(processesMentioning(results).length, 0);
  });
});
