/**
 * Verifying a restore: the restored rows of the backed-up tenants are checksummed by the server
 * exactly like the source (same SQL), compared table by table (the verdict: restore-verdict.ts). Any
 * lost, extra or different row makes the backup failed.
 */
import { withAdmin } from '../../db/client.js';
import { ident } from '../../db/sql.js';
import { tenantChecksums, pooledChecksums } from '../../layouts/common/inspect.js';
import { recreateDatabase, dropDatabases } from '../../layouts/common/admin-sql.js';
import type { LayoutContext, TableChecksums } from '../../layouts/layout.js';
import { TENANT_TABLES } from '../../../seed/tenant-plan.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type { TableUnit } from '../../layouts/layout.js';
import { bindNear } from '../../target/placed-target.js';

/** Checksums of `tenants` as stored in `unit`'s shape, read from database `db` (the source or a restored copy). */
export async function unitChecksums(
  ctx: LayoutContext,
  unit: TableUnit,
  db: string,
  tenants: readonly TenantPlan[] = unit.tenants,
): Promise<Map<string, TableChecksums>> {
  if (unit.pooled) {
    const all = await pooledChecksums(ctx, db, tenants);
    return new Map(tenants.map((t) => [t.slug, all.get(t.slug)!]));
  }
  return new Map([[unit.tenants[0]!.slug, await tenantChecksums(ctx, db, unit.schema === 'public' ? undefined : unit.schema)]]);
}

/** Rows of tenants other than `keep` in the pooled tables of `db` (a single-tenant restore must have none). */
export async function foreignRows(ctx: LayoutContext, db: string, keep: readonly TenantPlan[]): Promise<number> {
  return withAdmin(ctx.target, db, async (c) => {
    let n = 0;
    for (const table of TENANT_TABLES) {
      const r = await c.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM public.${ident(table)} WHERE NOT (tenant_id = ANY($1::uuid[]))`,
        [keep.map((t) => t.id)],
      );
      n += Number(r.rows[0]!.n);
    }
    return n;
  });
}

let restoreSeq = 0;

/**
 * A fresh, empty database to restore into, on the same server as `near` (the source) when tenants
 * are placed on several servers; dropped by the returned dispose.
 */
export async function freshDatabase(ctx: LayoutContext, near?: string): Promise<{ db: string; dispose: () => Promise<void> }> {
  const db = ctx.naming.db(`restore_${process.pid}_${++restoreSeq}`);
  if (near) bindNear(ctx.target, db, near);
  await recreateDatabase(ctx, db);
  return { db, dispose: () => dropDatabases(ctx, [db]) };
}
