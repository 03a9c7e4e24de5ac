/**
 * The probes against every shipped layout on a real embedded PostgreSQL with tiny data: no leak
 * anywhere, findings only where the layout documents them. And every probe fails when made to
 * check nothing: aimed at the tenant's own rows it reports no leak; run with the admin (superuser)
 * connection against rls, or against a fixture that opens its side channel, it flags.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConnectionConfig } from '../src/db/types.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import { withAdmin } from '../src/db/client.js';
import { PoolRouter } from '../src/layouts/common/pool-router.js';
import { rlsContextSql } from '../src/layouts/common/rls-policy.js';
import type { LayoutContext, LayoutName, TenantRouter } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { schemaContextSql } from '../src/layouts/schema/schema-layout.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import type { ProbeEnv } from '../src/verify/probe.js';
import { makeProbeEnv } from '../src/verify/probe-env.js';
import { PROBES, probe } from '../src/verify/probe-registry.js';
import { probeThroughRouter, runProbe, runProbes } from '../src/verify/run-probes.js';
import type { ProbeResult } from '../src/verify/run-probes.js';
import { tinyScenario } from './helpers.js';

/** A shipped layout configuration: a layout plus the scenario options that change its probes. */
interface Config {
  key: string;
  layout: LayoutName;
  ctx?: LayoutContext;
  options: Record<string, unknown>;
  /** Probes allowed to report a finding here (documented properties of the layout). */
  findings: string[];
}

/** One login role for many tenants: what its SQL learns and disrupts (issue 14). */
const SHARED_LOGIN_FINDINGS = [
  'planner-statistics',
  'activity-sql-text',
  'statistics-views',
  'global-id-counter',
  'role-settings',
  'cancel-other-tenant',
  'lock-shared-table',
  'connection-limit',
];
const SETTING_FINDINGS = ['switch-tenant-context', 'view-owner-bypass', 'security-definer-bypass', ...SHARED_LOGIN_FINDINGS];
const CONFIGS: Config[] = [
  {
    key: 'shared',
    layout: 'shared',
    options: {},
    findings: ['insert-for-other-tenant', 'move-row-to-other-tenant', 'app-filter-omitted', ...SHARED_LOGIN_FINDINGS],
  },
  { key: 'rls', layout: 'rls', options: {}, findings: SETTING_FINDINGS },
  // A non-default policy form (policy-forms.ts): the membership lookup, the one that reads another setting.
  // switch-tenant-context sets app.tenant_id, which the membership policy does not read (so it is
  // blocked); SQL that sets app.user to another tenant's member is the same hole, not probed here.
  {
    key: 'rls-membership',
    layout: 'rls',
    options: { rls: { policy: 'membership' } },
    findings: SETTING_FINDINGS.filter((f) => f !== 'switch-tenant-context'),
  },
  { key: 'schema', layout: 'schema', options: {}, findings: ['switch-tenant-context', 'schema-qualified-name', ...SHARED_LOGIN_FINDINGS] },
  {
    key: 'schema-role-per-tenant',
    layout: 'schema',
    options: { schema: { rolePerTenant: true } },
    // A login role per tenant: what one database's catalog and statistics show every role stays.
    findings: ['planner-statistics', 'statistics-views', 'global-id-counter'],
  },
  { key: 'database', layout: 'database', options: {}, findings: ['statistics-views', 'global-id-counter'] },
  { key: 'hybrid-database', layout: 'hybrid', options: { hybrid: { dedicated: 1, placement: 'database' } }, findings: SETTING_FINDINGS },
  // The pooled tier under another policy form (layoutOptions.hybrid.policy).
  {
    key: 'hybrid-subquery',
    layout: 'hybrid',
    options: { hybrid: { dedicated: 1, placement: 'schema', policy: 'subquery' } },
    findings: SETTING_FINDINGS,
  },
  {
    key: 'hybrid-schema',
    layout: 'hybrid',
    options: { hybrid: { dedicated: 1, placement: 'schema' } },
    findings: SETTING_FINDINGS,
  },
];

let target: EmbeddedTarget;
const healthy = new Map<string, ProbeResult[]>();
const ownOnly = new Map<string, ProbeResult[]>();

function config(key: string): Config & { ctx: LayoutContext } {
  return CONFIGS.find((c) => c.key === key)! as Config & { ctx: LayoutContext };
}

async function withEnv<T>(c: Config, fn: (env: ProbeEnv) => Promise<T>, o: Parameters<typeof makeProbeEnv>[2] = {}): Promise<T> {
  const env = makeProbeEnv(c.ctx!, c.layout, o);
  try {
    return await fn(env);
  } finally {
    await env.router.close();
  }
}

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  for (const [i, c] of CONFIGS.entries()) {
    const scenario = tinyScenario({
      tenants: { count: 4, sizes: { kind: 'zipf', s: 1 } },
      rows: 800,
      layouts: [c.layout],
      layoutOptions: { database: { maxConnections: 3 }, ...c.options },
    });
    c.ctx = makeLayoutContext({ target, scenario, prefix: `tbp${i}`, serverVersionNum: 150000 });
    await layoutOf(c.layout).seed(c.ctx);
    healthy.set(c.key, await withEnv(c, (env) => runProbes(env)));
    // The same probes aimed at the tenant's own rows: reading yourself is never a leak.
    ownOnly.set(c.key, await withEnv(c, (env) => runProbes({ ...env, victim: env.self, crossVictim: env.crossVictim ? env.self : null })));
  }
});

after(async () => {
  await target?.stop();
});

const show = (r: ProbeResult) => `${r.id}=${r.outcome} ${JSON.stringify(r.observed)}`;

describe('shipped layouts', () => {
  for (const c of CONFIGS) {
    it(`${c.key}: no probe leaks, every probe ran, findings only where documented`, () => {
      const rs = healthy.get(c.key)!;
      assert.equal(rs.length, PROBES.length);
      for (const r of rs) {
        assert.notEqual(r.outcome, 'leaked', show(r));
        assert.doesNotMatch(r.observed.detail ?? '', /probe could not run|control failed/, show(r));
        if (r.outcome === 'finding') assert.ok(c.findings.includes(r.id), `unexpected finding: ${show(r)}`);
      }
      for (const f of c.findings) assert.equal(rs.find((r) => r.id === f)?.outcome, 'finding', `documented finding ${f} is reported`);
    });
  }

  it("schema with a role per tenant refuses another tenant's schema-qualified table", () => {
    const r = healthy.get('schema-role-per-tenant')!.find((x) => x.id === 'schema-qualified-name')!;
    assert.equal(r.outcome, 'blocked', show(r));
    assert.equal(r.observed.sqlstate, '42501');
  });

  it('a login role per tenant closes what one shared login role leaves open (schema with a role per tenant)', () => {
    const closed = [
      'switch-tenant-context',
      'activity-sql-text',
      'role-settings',
      'cancel-other-tenant',
      'lock-shared-table',
      'connection-limit',
    ];
    for (const id of closed) {
      assert.equal(healthy.get('schema')!.find((x) => x.id === id)!.outcome, 'finding', `schema (one login role): ${id}`);
      const r = healthy.get('schema-role-per-tenant')!.find((x) => x.id === id)!;
      assert.equal(r.outcome, 'blocked', show(r));
    }
  });

  it("the hybrid's dedicated tier in schemas: the pooled tier's role cannot read its schema", () => {
    const r = healthy.get('hybrid-schema')!.find((x) => x.id === 'schema-qualified-name')!;
    assert.equal(r.outcome, 'blocked', show(r));
  });

  it('every probe applies somewhere and is blocked somewhere', () => {
    for (const p of PROBES) {
      const outcomes = CONFIGS.map((c) => healthy.get(c.key)!.find((r) => r.id === p.id)!.outcome);
      assert.ok(
        outcomes.some((o) => o !== 'not-applicable'),
        `${p.id} applies to some layout`,
      );
      // These describe properties every layout they apply to has (documented findings).
      if (
        ![
          'app-filter-omitted',
          'switch-tenant-context',
          'view-owner-bypass',
          'security-definer-bypass',
          'statistics-views',
          'global-id-counter',
        ].includes(p.id)
      )
        assert.ok(outcomes.includes('blocked'), `${p.id} is blocked in some layout: ${outcomes.join(', ')}`);
    }
  });
});

describe('probes that check something', () => {
  for (const c of CONFIGS) {
    it(`${c.key}: aimed at the tenant's own rows, no probe reports a leak`, () => {
      for (const r of ownOnly.get(c.key)!) assert.notEqual(r.outcome, 'leaked', show(r));
    });
  }

  /** A router and login as the admin (superuser): what a staging setup run as superuser does. */
  function superuser(c: Config, contextSql: (t: Parameters<typeof rlsContextSql>[0]) => string, db: string) {
    const admin: ConnectionConfig = target.config(db);
    const make = (n: number): TenantRouter => new PoolRouter(admin, n, contextSql, c.layout === 'shared');
    return { router: make(2), newRouter: make, login: () => admin };
  }

  const SUPERUSER_LEAKS = [
    'read-by-id',
    'read-by-scan',
    'read-through-join',
    'read-through-aggregate',
    'update-other-tenant',
    'delete-other-tenant',
    'insert-for-other-tenant',
    'move-row-to-other-tenant',
    'no-tenant-context',
    'empty-context-after-local',
    'switch-tenant-context',
    'view-owner-bypass',
    'security-definer-bypass',
    'leaky-function',
    'role-configuration',
    'pooled-session-residue',
  ];

  it('run as superuser against rls, every probe about rows or roles reports a leak', async () => {
    const c = config('rls');
    const su = superuser(c, rlsContextSql, c.ctx.naming.db('rls'));
    const env = { ...makeProbeEnv(c.ctx, 'rls', su), login: su.login };
    try {
      for (const id of SUPERUSER_LEAKS) {
        const r = await runProbe(probe(id), env);
        assert.equal(r.outcome, 'leaked', show(r));
      }
    } finally {
      await env.router.close();
    }
  });

  it('schema-qualified-name leaks when the per-tenant role is not in force (admin router, role per tenant)', async () => {
    const c = config('schema-role-per-tenant');
    const su = superuser(c, (t) => schemaContextSql(t), c.ctx.naming.db('schema'));
    const env = { ...makeProbeEnv(c.ctx, 'schema', su), login: su.login };
    try {
      const r = await runProbe(probe('schema-qualified-name'), env);
      assert.equal(r.outcome, 'leaked', show(r));
    } finally {
      await env.router.close();
    }
  });

  it("connect-other-database leaks when the login may enter another tenant's database", async () => {
    const c = config('database');
    await withEnv(c, async (env) => {
      const r = await runProbe(probe('connect-other-database'), { ...env, login: (_t, db) => target.config(db ?? 'postgres') });
      assert.equal(r.outcome, 'leaked', show(r));
    });
  });

  it('app-filter-omitted measures the database: a finding on shared, blocked on rls', async () => {
    await withEnv(config('rls'), async (env) => {
      const r = await runProbe(probe('app-filter-omitted'), { ...env, appFilter: true });
      assert.equal(r.outcome, 'blocked', show(r));
    });
  });

  /** Add a fixture to the rls database as admin, run one probe, remove the fixture. */
  async function withFixture(ddl: string[], undo: string[], id: string): Promise<ProbeResult> {
    const c = config('rls');
    const db = c.ctx.naming.db('rls');
    await withAdmin(target, db, async (a) => {
      for (const s of ddl) await a.query(s);
    });
    try {
      return await withEnv(c, (env) => runProbe(probe(id), env));
    } finally {
      await withAdmin(target, db, async (a) => {
        for (const s of undo) await a.query(s);
      });
    }
  }

  it('fk-existence-oracle finds a foreign key that does not include tenant_id', async () => {
    const r = await withFixture(
      [
        'ALTER TABLE orders DROP CONSTRAINT orders_customer_fk',
        'CREATE UNIQUE INDEX tb_fix_customer_id ON customers (id)',
        'ALTER TABLE orders ADD CONSTRAINT tb_fix_fk FOREIGN KEY (customer_id) REFERENCES customers (id)',
      ],
      [
        'ALTER TABLE orders DROP CONSTRAINT tb_fix_fk',
        'DROP INDEX tb_fix_customer_id',
        'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)',
      ],
      'fk-existence-oracle',
    );
    assert.equal(r.outcome, 'finding', show(r));
  });

  it('unique-violation-oracle finds a unique key that spans tenants', async () => {
    const r = await withFixture(
      ['CREATE UNIQUE INDEX tb_fix_email ON customers (email)'],
      ['DROP INDEX tb_fix_email'],
      'unique-violation-oracle',
    );
    assert.equal(r.outcome, 'finding', show(r));
    assert.equal(r.observed.sqlstate, '23505');
  });

  it('shared-sequence finds a sequence every tenant draws from', async () => {
    const role = config('rls').ctx.naming.role('rls_app');
    const r = await withFixture(
      [`CREATE SEQUENCE tb_fix_ids`, `GRANT USAGE ON SEQUENCE tb_fix_ids TO "${role}"`],
      ['DROP SEQUENCE tb_fix_ids'],
      'shared-sequence',
    );
    assert.equal(r.outcome, 'finding', show(r));
    assert.match(r.observed.detail ?? '', /tb_fix_ids/);
  });

  it('with TEMP granted to the application role, the reset on release alone keeps every pool-residue probe blocked', async () => {
    const c = config('rls');
    const db = c.ctx.naming.db('rls');
    const [onDb, role] = [`TEMPORARY ON DATABASE "${db}"`, `"${c.ctx.naming.role('rls_app')}"`];
    await withAdmin(target, db, (a) => a.query(`GRANT ${onDb} TO ${role}`));
    try {
      for (const p of PROBES.filter((x) => x.id.startsWith('pool-residue-'))) {
        const r = await withEnv(c, (env) => runProbe(p, env));
        assert.equal(r.outcome, 'blocked', show(r));
        // Request 1 really left its state (nothing refused it); the reset (or closing the connection) removed it.
        assert.doesNotMatch(r.observed.detail ?? '', /refused/, show(r));
      }
    } finally {
      await withAdmin(target, db, (a) => a.query(`REVOKE ${onDb} FROM ${role}`));
    }
  });

  it('runs one probe through a router the caller owns (for probes under load)', async () => {
    const c = config('rls');
    const router = layoutOf('rls').router(c.ctx, { maxConnections: 1 });
    try {
      const r = await probeThroughRouter(c.ctx, 'rls', router, 'read-by-id');
      assert.equal(r.outcome, 'blocked', show(r));
    } finally {
      await router.close();
    }
  });
});
