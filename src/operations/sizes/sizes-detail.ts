/**
 * Sizes in detail: per tenant (its own tables, indexes and TOAST where it has its own; the bytes of
 * its rows where it shares tables), per database (what PostgreSQL reports, split into tenant
 * relations, catalogs and the rest), and the catalog cache memory one backend takes after
 * touching every tenant's tables (thousands of schemas are known to exhaust memory that way).
 */
import { connect, withAdmin } from '../../db/client.js';
import { ident } from '../../db/sql.js';
import type { Queryable } from '../../db/types.js';
import { errorMessage } from '../../errors.js';
import type { LayoutContext, TableUnit } from '../../layouts/layout.js';
import { layout as layoutOf } from '../../layouts/registry.js';
import { notMeasured } from '../../results/measure-schemas.js';
import type { DatabaseSize, SizesDetail, TenantSize } from '../../results/sizes-schema.js';
import { TENANT_TABLES } from '../../../seed/tenant-plan.js';
import type { LayoutName } from '../../config/scenario-schema.js';

/** First OID of user objects: everything below it (and not shared) was created by initdb, i.e. catalogs. */
const FIRST_NORMAL_OBJECT_ID = 16384;

/** Heap (+fsm, vm) without TOAST, TOAST, and index bytes of the tables in `schemas`. */
const SCHEMA_BYTES_SQL = `
  SELECT coalesce(sum(pg_table_size(c.oid) - CASE WHEN c.reltoastrelid <> 0 THEN pg_total_relation_size(c.reltoastrelid) ELSE 0 END), 0)::text AS table_bytes,
         coalesce(sum(pg_total_relation_size(c.reltoastrelid)) FILTER (WHERE c.reltoastrelid <> 0), 0)::text AS toast_bytes,
         coalesce(sum(pg_indexes_size(c.oid)), 0)::text AS index_bytes
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'm')`;

async function perTenant(c: Queryable, u: TableUnit): Promise<TenantSize[]> {
  const rows = new Map<string, number>();
  const data = new Map<string, number>();
  const schema = ident(u.schema);
  for (const table of TENANT_TABLES) {
    if (u.pooled) {
      const r = await c.query<{ id: string; n: string; b: string }>(
        `SELECT tenant_id::text AS id, count(*)::text AS n, coalesce(sum(pg_column_size(t.*)), 0)::text AS b FROM ${schema}.${ident(table)} t GROUP BY tenant_id`,
      );
      for (const x of r.rows) {
        rows.set(x.id, (rows.get(x.id) ?? 0) + Number(x.n));
        data.set(x.id, (data.get(x.id) ?? 0) + Number(x.b));
      }
    } else {
      const r = await c.query<{ n: string; b: string }>(
        `SELECT count(*)::text AS n, coalesce(sum(pg_column_size(t.*)), 0)::text AS b FROM ${schema}.${ident(table)} t`,
      );
      const id = u.tenants[0]!.id;
      rows.set(id, (rows.get(id) ?? 0) + Number(r.rows[0]!.n));
      data.set(id, (data.get(id) ?? 0) + Number(r.rows[0]!.b));
    }
  }
  if (u.pooled) {
    return u.tenants.map((t) => ({
      tenant: t.slug,
      rows: rows.get(t.id) ?? 0,
      pooled: true,
      tableBytes: null,
      indexBytes: null,
      toastBytes: null,
      totalBytes: null,
      dataBytes: data.get(t.id) ?? 0,
      databaseBytes: null,
    }));
  }
  const t = u.tenants[0]!;
  const s = (await c.query<{ table_bytes: string; toast_bytes: string; index_bytes: string }>(SCHEMA_BYTES_SQL, [[u.schema]])).rows[0]!;
  const own =
    u.schema === 'public'
      ? Number((await c.query<{ b: string }>('SELECT pg_database_size(current_database())::text AS b')).rows[0]!.b)
      : null;
  const [tb, ib, xb] = [Number(s.table_bytes), Number(s.index_bytes), Number(s.toast_bytes)];
  return [
    {
      tenant: t.slug,
      rows: rows.get(t.id) ?? 0,
      pooled: false,
      tableBytes: tb,
      indexBytes: ib,
      toastBytes: xb,
      totalBytes: tb + ib + xb,
      dataBytes: data.get(t.id) ?? 0,
      databaseBytes: own,
    },
  ];
}

async function perDatabase(ctx: LayoutContext, db: string, schemas: readonly string[]): Promise<DatabaseSize> {
  return withAdmin(ctx.target, db, async (c) => {
    const r = await c.query<{ db: string; rel: string; cat: string; n: string }>(
      `WITH rel AS (
         SELECT c.oid, (pg_relation_size(c.oid, 'main') + pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm') + pg_relation_size(c.oid, 'init')) AS bytes
           FROM pg_class c WHERE NOT c.relisshared AND c.relkind IN ('r', 'i', 't', 'm', 'S'))
       SELECT pg_database_size(current_database())::text AS db,
              (SELECT sum(bytes) FROM rel)::text AS rel,
              (SELECT sum(bytes) FROM rel WHERE oid < ${FIRST_NORMAL_OBJECT_ID})::text AS cat,
              (SELECT count(*) FROM pg_class)::text AS n`,
    );
    const s = (await c.query<{ table_bytes: string; toast_bytes: string; index_bytes: string }>(SCHEMA_BYTES_SQL, [schemas])).rows[0]!;
    const row = r.rows[0]!;
    return {
      db,
      databaseBytes: Number(row.db),
      relationBytes: Number(row.rel),
      tenantBytes: Number(s.table_bytes) + Number(s.toast_bytes) + Number(s.index_bytes),
      catalogBytes: Number(row.cat),
      otherBytes: Number(row.db) - Number(row.rel),
      pgClassRows: Number(row.n),
    };
  });
}

const CACHE_SQL = `SELECT coalesce(sum(total_bytes) FILTER (WHERE name = 'CacheMemoryContext' OR parent = 'CacheMemoryContext'), 0)::text AS cache,
                          coalesce(sum(total_bytes), 0)::text AS total
                     FROM pg_backend_memory_contexts`;

/**
 * One backend per database: connect, read the catalog cache size, plan a query on every tenant
 * table (which loads its relcache/catcache entries and its indexes'), read it again.
 */
async function catalogMemory(ctx: LayoutContext, units: readonly TableUnit[]): Promise<SizesDetail['catalogMemory']> {
  const byDb = new Map<string, string[]>();
  for (const u of units) byDb.get(u.db)?.push(u.schema) ?? byDb.set(u.db, [u.schema]);
  let before = 0;
  let after = 0;
  let total = 0;
  let touched = 0;
  try {
    for (const [db, schemas] of byDb) {
      const c = await connect(ctx.target.config(db), { ignoreIdleErrors: true });
      try {
        const b = (await c.query<{ cache: string }>(CACHE_SQL)).rows[0]!;
        const tables = await c.query<{ q: string }>(
          `SELECT format('%I.%I', n.nspname, c.relname) AS q FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') ORDER BY 1`,
          [schemas],
        );
        for (const t of tables.rows) await c.query(`SELECT 1 FROM ${t.q} LIMIT 1`);
        touched += tables.rows.length;
        const a = (await c.query<{ cache: string; total: string }>(CACHE_SQL)).rows[0]!;
        before += Number(b.cache);
        after += Number(a.cache);
        total += Number(a.total);
      } finally {
        await c.end().catch(() => {});
      }
    }
  } catch (err) {
    return notMeasured(`not measured: pg_backend_memory_contexts: ${errorMessage(err)}`);
  }
  return {
    status: 'ok',
    backends: byDb.size,
    relationsTouched: touched,
    cacheBytesBefore: before,
    cacheBytesAfter: after,
    backendBytesAfter: total,
  };
}

export async function sizesDetail(layout: LayoutName, ctx: LayoutContext): Promise<SizesDetail> {
  const units = layoutOf(layout).tableUnits(ctx);
  const tenants: TenantSize[] = [];
  // One connection per database for all its units (10,000 tenant schemas: not 10,000 backend starts).
  const unitsByDb = new Map<string, TableUnit[]>();
  for (const u of units) unitsByDb.get(u.db)?.push(u) ?? unitsByDb.set(u.db, [u]);
  for (const [db, list] of unitsByDb)
    await withAdmin(ctx.target, db, async (c) => {
      for (const u of list) tenants.push(...(await perTenant(c, u)));
    });
  const order = new Map(ctx.plan.tenants.map((t, i) => [t.slug, i]));
  tenants.sort((a, b) => order.get(a.tenant)! - order.get(b.tenant)!);
  const schemasByDb = new Map<string, Set<string>>();
  for (const u of units) schemasByDb.get(u.db)?.add(u.schema) ?? schemasByDb.set(u.db, new Set([u.schema]));
  const dbs: DatabaseSize[] = [];
  for (const [db, schemas] of schemasByDb) dbs.push(await perDatabase(ctx, db, [...schemas]));
  return {
    perTenant: tenants,
    perDatabase: dbs,
    pgClassRows: dbs.reduce((a, d) => a + d.pgClassRows, 0),
    catalogBytes: dbs.reduce((a, d) => a + d.catalogBytes, 0),
    catalogMemory: await catalogMemory(ctx, units),
  };
}
