/**
 * Creating one more tenant at a sweep step: what onboarding a customer costs once N tenants exist.
 * Read from the layout's table units (no layout name is tested): units that share one database get
 * a new schema in it (CREATE SCHEMA, types, tables, keys, indexes, foreign keys, one transaction);
 * units that each own a database get a new database (CREATE DATABASE from template0, then the same
 * DDL in it). No rows, no roles or grants. The tenant is dropped again afterwards (not timed).
 * Pooled units: a new tenant is a row, not DDL: not measured.
 */
import { ident } from '../db/sql.js';
import { withAdmin } from '../db/client.js';
import { errorMessage } from '../errors.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { LayoutContext } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { dropDatabases, recreateDatabase } from '../layouts/common/admin-sql.js';
import { stopwatch } from '../measure/timer.js';
import type { SweepLayout } from '../results/sweep-schema.js';
import { bareSchemaDdl, postLoadDdl } from '../../seed/dataset.js';
import { TENANT_TABLES } from '../../seed/tenant-plan.js';

export type AddTenant = NonNullable<SweepLayout['addTenant']>;

/** Types, tables, then keys and indexes, then foreign keys (they need the keys), as one statement batch. */
export function tenantDdl(schema?: string): string {
  const opts = { tenantColumn: false, ...(schema ? { schema } : {}) };
  const post = TENANT_TABLES.flatMap((t) => postLoadDdl(t, opts));
  const fk = (s: string) => /FOREIGN KEY/.test(s);
  return [...(schema ? [`CREATE SCHEMA ${schema}`] : []), ...bareSchemaDdl(opts), ...post.filter((s) => !fk(s)), ...post.filter(fk)].join(
    ';\n',
  );
}

export async function measureAddTenant(ctx: LayoutContext, layout: LayoutName): Promise<AddTenant> {
  const units = layoutOf(layout).tableUnits(ctx);
  if (!units.length || units.some((u) => u.pooled))
    return { status: 'not measured', reason: 'not measured: pooled tables (a new tenant is a row, not DDL)' };
  const dbs = new Set(units.map((u) => u.db));
  const name = ctx.naming.db('sweep_new_tenant');
  const sw = stopwatch();
  try {
    if (dbs.size === 1) {
      const db = units[0]!.db;
      const schema = ident('sweep_new_tenant');
      try {
        await withAdmin(ctx.target, db, (c) => c.query(`BEGIN;\n${tenantDdl(schema)};\nCOMMIT`));
        return { status: 'ok', method: 'CREATE SCHEMA + tables, keys, indexes (one transaction)', seconds: sw.seconds(), error: null };
      } finally {
        await withAdmin(ctx.target, db, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).catch(() => {});
      }
    }
    try {
      await recreateDatabase(ctx, name);
      await withAdmin(ctx.target, name, (c) => c.query(`BEGIN;\n${tenantDdl()};\nCOMMIT`));
      return { status: 'ok', method: 'CREATE DATABASE (template0) + tables, keys, indexes', seconds: sw.seconds(), error: null };
    } finally {
      await dropDatabases(ctx, [name]).catch(() => {});
    }
  } catch (err) {
    return { status: 'failed', method: dbs.size === 1 ? 'schema' : 'database', seconds: null, error: errorMessage(err) };
  }
}
