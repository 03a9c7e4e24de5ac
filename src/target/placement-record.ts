/**
 * The placement as recorded in summary.json: servers (name, host:port, version; never passwords),
 * the tenants each one holds, and per-server figures measured at the end of the command.
 */
import { withAdmin } from '../db/client.js';
import { errorMessage } from '../errors.js';
import type { LayoutContext } from '../layouts/layout.js';
import type { PlacementSummary } from '../results/placement-schema.js';
import { PlacedTarget, serverVersion } from './placed-target.js';
import type { Target } from './target.js';

export async function describePlacement(target: Target, ctx: LayoutContext): Promise<PlacementSummary | undefined> {
  if (!(target instanceof PlacedTarget)) return undefined;
  const tenants: Record<string, string> = {};
  for (const t of ctx.plan.tenants) tenants[t.slug] = target.servers[target.serverIndexOfTenant(t)]!.name;
  const servers = [];
  for (const [i, s] of target.servers.entries()) {
    const v = await serverVersion(s.target).catch(() => null);
    servers.push({
      name: s.name,
      primary: i === 0,
      kind: s.target.kind,
      host: s.target.admin.host,
      port: s.target.admin.port,
      serverVersion: v?.version ?? null,
      tenants: ctx.plan.tenants.filter((t) => target.serverIndexOfTenant(t) === i).map((t) => t.slug),
      databases: null,
      tenantDatabases: null,
      databaseBytes: null,
    });
  }
  return {
    source: target.spec.source,
    rule: target.rule,
    routerCap: 'per-server',
    servers,
    tenants,
    reason: 'not measured: the command ended before the per-server figures were taken',
  };
}

/** Databases of this run on each server and their bytes (pg_database_size), now. */
export async function measurePlacement(p: PlacementSummary, target: Target, ctx: LayoutContext): Promise<void> {
  if (!(target instanceof PlacedTarget)) return;
  try {
    for (const [i, s] of target.servers.entries()) {
      const rec = p.servers[i]!;
      const rows = await withAdmin(s.target, s.target.admin.database, async (c) => {
        const r = await c.query<{ datname: string; bytes: string }>(
          "SELECT datname, pg_database_size(oid)::text AS bytes FROM pg_database WHERE datname LIKE $1 AND datname NOT LIKE '%\\_template%'",
          [`${ctx.naming.prefix}\\_%`],
        );
        return r.rows;
      });
      rec.databases = rows.length;
      rec.tenantDatabases = rows.filter((r) => isTenantDb(target, r.datname, i)).length;
      rec.databaseBytes = rows.reduce((a, r) => a + Number(r.bytes), 0);
    }
    p.reason = null;
  } catch (err) {
    p.reason = `not measured: ${errorMessage(err)}`;
  }
}

/** A database the placement bound to server i by name (a tenant database of this run). */
function isTenantDb(target: PlacedTarget, datname: string, i: number): boolean {
  return target.isBound(datname) && target.serverIndexOf(datname) === i;
}
