import { withAdmin, runLimited } from '../../db/client.js';
import { stopwatch } from '../../measure/timer.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { dropDatabases, dropRoles, grantDml, recreateRoles } from '../common/admin-sql.js';
import { seedTenantDatabases } from '../common/bulk-load.js';
import { measureSizes, tenantChecksums } from '../common/inspect.js';
import { CappedKeyedRouter } from '../common/capped-router.js';
import { PerServerRouter } from '../common/per-server-router.js';
import { serverIndexOf, serversOf } from '../../target/placed-target.js';
import type { ResolvedScenario } from '../../config/load-scenario.js';
import { memoByTenant } from '../common/memo-by-tenant.js';
import { perTenantBound } from './per-tenant-bound.js';
import type {
  Layout,
  LayoutContext,
  LayoutName,
  RouterOptions,
  SeedResult,
  TableChecksums,
  TableUnit,
  TenantLocation,
  TenantRouter,
  TenantTier,
} from '../layout.js';

/**
 * One database per tenant, with a role per tenant that may CONNECT to its own database only.
 * The router keeps connections per tenant database, at most what each tenant needs at once
 * (per-tenant-bound.ts), under one global cap, closing the least recently used idle ones only
 * when the cap is reached.
 */
export class DatabaseLayout implements Layout {
  readonly name = 'database' as const;
  readonly description = 'database per tenant, role per tenant, per-database connections under a global cap';

  constructor(
    /** Name part shared by this layout's databases and roles: `db` alone, `hybrid` inside the hybrid. */
    private readonly part = 'db',
    private readonly tenantsOf: (ctx: LayoutContext) => readonly TenantPlan[] = (ctx) => ctx.plan.tenants,
    /** Layout name used in progress reports (the hybrid reports its dedicated tier as itself). */
    private readonly reportAs: LayoutName = 'database',
  ) {}

  dbOf(ctx: LayoutContext, t: TenantPlan): string {
    return ctx.naming.db(`${this.part}_${t.slug}`);
  }
  roleOf(ctx: LayoutContext, t: TenantPlan): string {
    return ctx.naming.role(`${this.part}_${t.slug}`);
  }
  databases(ctx: LayoutContext): string[] {
    return this.tenantsOf(ctx).map((t) => this.dbOf(ctx, t));
  }

  locate(ctx: LayoutContext): (t: TenantPlan) => TenantLocation {
    return memoByTenant((t) => ({
      database: this.dbOf(ctx, t),
      schema: 'public',
      loginRole: this.roleOf(ctx, t),
      tenantRole: this.roleOf(ctx, t),
      pooled: false,
      appFilter: false,
      rls: false,
      context: 'database',
      unit: t.slug,
    }));
  }

  tiers(ctx: LayoutContext): TenantTier[] {
    return [{ pooled: false, tenants: this.tenantsOf(ctx) }];
  }

  tableUnits(ctx: LayoutContext): TableUnit[] {
    return this.tenantsOf(ctx).map((t) => ({
      key: t.slug,
      db: this.dbOf(ctx, t),
      schema: 'public',
      pooled: false,
      tenants: [t],
      rlsRole: null,
    }));
  }

  /** layoutOptions.database.maxConnections: a connection serves one tenant only (see router()). */
  connectionCap(scenario: ResolvedScenario): number | null {
    return scenario.layoutOptions.database.maxConnections;
  }

  sessionLevelContext() {
    return { reason: "the database is the context: a connection, and PgBouncer's pool per (database, user), serves one tenant only" };
  }

  extraction(): null {
    return null;
  }

  async seed(ctx: LayoutContext): Promise<SeedResult> {
    const total = stopwatch();
    const tenants = this.tenantsOf(ctx);
    const phases = await seedTenantDatabases(ctx, this.reportAs, (t) => this.dbOf(ctx, t), ctx.naming.db(`${this.part}_template`), tenants);
    const sw = stopwatch();
    ctx.progress.phase(this.reportAs, 'roles');
    // A role exists on its tenant's server only (roles are per server).
    const servers = serversOf(ctx.target);
    for (const [i, server] of servers.entries()) {
      const here = tenants.filter((t) => this.serverIndex(ctx, t) === i);
      await recreateRoles(
        ctx,
        // A tenant's role may hold the router's whole cap plus a few (admin tools, probes), never every connection.
        here.map((t) => ({
          name: this.roleOf(ctx, t),
          login: true,
          connectionLimit: ctx.scenario.layoutOptions.database.maxConnections + 10,
        })),
        server,
      );
    }
    await runLimited(tenants, ctx.scenario.seeding.concurrency, (t) =>
      withAdmin(ctx.target, this.dbOf(ctx, t), (c) => grantDml(c, this.dbOf(ctx, t), this.roleOf(ctx, t), ['public'])),
    );
    phases.provision += sw.seconds();
    return { method: 'generator-copy', timings: { ...phases, total: total.seconds() } };
  }

  async checksums(ctx: LayoutContext): Promise<Map<string, TableChecksums>> {
    const out = new Map<string, TableChecksums>();
    for (const t of this.tenantsOf(ctx)) out.set(t.slug, await tenantChecksums(ctx, this.dbOf(ctx, t), undefined));
    return out;
  }

  sizes(ctx: LayoutContext) {
    return measureSizes(
      ctx,
      this.tenantsOf(ctx).map((t) => ({ db: this.dbOf(ctx, t), schemas: ['public'] })),
    );
  }

  /** Index of the server holding the tenant's database (0 with one server). */
  serverIndex(ctx: LayoutContext, t: TenantPlan): number {
    return serverIndexOf(ctx.target, this.dbOf(ctx, t));
  }

  router(ctx: LayoutContext, opts: RouterOptions = {}): TenantRouter {
    // This layout's own global cap (layoutOptions.database.maxConnections), not the pooled layouts'
    // pool size (RouterOptions): a connection serves one tenant only, so it needs more of them.
    // The pool size is the callers' concurrency, from which each tenant's bound follows.
    // With several servers each server gets a router with the whole cap (per-server-router.ts).
    const cap = ctx.scenario.layoutOptions.database.maxConnections;
    const bound = perTenantBound(ctx.scenario, ctx.plan.tenants, opts.maxConnections);
    const make = () =>
      new CappedKeyedRouter(
        cap,
        (t) => {
          const role = this.roleOf(ctx, t);
          return ctx.target.config(this.dbOf(ctx, t), { name: role, password: ctx.naming.password(role) });
        },
        () => '',
        undefined,
        bound,
      );
    const n = serversOf(ctx.target).length;
    if (n === 1) return make();
    return new PerServerRouter(Array.from({ length: n }, make), (t) => this.serverIndex(ctx, t));
  }

  async destroy(ctx: LayoutContext): Promise<void> {
    // Also drop databases left by an earlier run with more tenants (or another placement), on every server.
    await dropDatabases(ctx, this.databases(ctx));
    for (const server of serversOf(ctx.target)) {
      const stale = await withAdmin(server, server.admin.database, async (c) => {
        const r = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
          `${ctx.naming.db(this.part)}\\_t%`,
        ]);
        return r.rows.map((x) => x.datname);
      });
      await dropDatabases(ctx, stale, server);
      await dropRoles(
        ctx,
        this.tenantsOf(ctx).map((t) => this.roleOf(ctx, t)),
        server,
      );
    }
  }
}
