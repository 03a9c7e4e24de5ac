/** Server-side checksums and sizes, shared by the layouts. */
import { withAdmin } from '../../db/client.js';
import type { Queryable } from '../../db/types.js';
import { ident } from '../../db/sql.js';
import { checksumSql } from '../../../seed/dataset.js';
import { TENANT_TABLES } from '../../../seed/tenant-plan.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type { LayoutContext, LayoutSizes, TableChecksums } from '../layout.js';

function emptyChecksums(): TableChecksums {
  return {
    customers: { rows: 0, hash: '0' },
    products: { rows: 0, hash: '0' },
    orders: { rows: 0, hash: '0' },
    order_items: { rows: 0, hash: '0' },
  };
}

/** Pooled tables: one GROUP BY tenant_id scan per table. Tenants with no rows still appear (0 rows). */
export async function pooledChecksums(
  ctx: LayoutContext,
  db: string,
  tenants: readonly TenantPlan[],
): Promise<Map<string, TableChecksums>> {
  const byId = new Map(tenants.map((t) => [t.id, t]));
  const out = new Map(tenants.map((t) => [t.slug, emptyChecksums()]));
  await withAdmin(ctx.target, db, async (c) => {
    for (const table of TENANT_TABLES) {
      const r = await c.query<{ tenant_id: string; n: string; hash: string }>(checksumSql(table, { tenantColumn: true }));
      for (const row of r.rows) {
        const t = byId.get(row.tenant_id);
        // A row of a tenant that does not belong here is a seeding bug: make it visible as its own entry.
        const key = t?.slug ?? `unknown:${row.tenant_id}`;
        const entry = out.get(key) ?? emptyChecksums();
        entry[table] = { rows: Number(row.n), hash: row.hash };
        out.set(key, entry);
      }
    }
  });
  return out;
}

/** Unpooled tables of one tenant (its schema or its database). */
export async function tenantChecksums(ctx: LayoutContext, db: string, schema: string | undefined): Promise<TableChecksums> {
  return withAdmin(ctx.target, db, (c) => tenantChecksumsOn(c, schema));
}

/** The same on an open connection (many tenant schemas of one database: one connection for all). */
export async function tenantChecksumsOn(c: Queryable, schema: string | undefined): Promise<TableChecksums> {
  const out = emptyChecksums();
  for (const table of TENANT_TABLES) {
    const r = await c.query<{ n: string; hash: string }>(
      checksumSql(table, { tenantColumn: false, schema: schema ? ident(schema) : undefined }),
    );
    out[table] = { rows: Number(r.rows[0]!.n), hash: r.rows[0]!.hash };
  }
  return out;
}

/**
 * Bytes of the tables, indexes and TOAST in the given schemas of each database, plus database
 * sizes and how many relations the catalog holds for them.
 */
export async function measureSizes(ctx: LayoutContext, where: readonly { db: string; schemas: readonly string[] }[]): Promise<LayoutSizes> {
  const total: LayoutSizes = { tableBytes: 0, indexBytes: 0, toastBytes: 0, databaseBytes: 0, databases: 0, relations: 0 };
  const seenDbs = new Set<string>();
  for (const { db, schemas } of where) {
    await withAdmin(ctx.target, db, async (c) => {
      const r = await c.query<{ table_bytes: string; toast_bytes: string; index_bytes: string; relations: string }>(
        `WITH rels AS (
           SELECT c.oid, c.relkind, c.reltoastrelid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY($1))
         SELECT coalesce(sum(pg_table_size(oid) - CASE WHEN reltoastrelid <> 0 THEN pg_total_relation_size(reltoastrelid) ELSE 0 END) FILTER (WHERE relkind IN ('r','p','m')), 0)::text AS table_bytes,
                coalesce(sum(pg_total_relation_size(reltoastrelid)) FILTER (WHERE relkind IN ('r','p','m') AND reltoastrelid <> 0), 0)::text AS toast_bytes,
                coalesce(sum(pg_indexes_size(oid)) FILTER (WHERE relkind IN ('r','p','m')), 0)::text AS index_bytes,
                (SELECT count(*) FROM rels)::text AS relations
           FROM rels`,
        [schemas],
      );
      const row = r.rows[0]!;
      total.tableBytes += Number(row.table_bytes);
      total.toastBytes += Number(row.toast_bytes);
      total.indexBytes += Number(row.index_bytes);
      total.relations += Number(row.relations);
      if (!seenDbs.has(db)) {
        seenDbs.add(db);
        const d = await c.query<{ bytes: string }>('SELECT pg_database_size(current_database())::text AS bytes');
        total.databaseBytes += Number(d.rows[0]!.bytes);
        total.databases += 1;
      }
    });
  }
  return total;
}
