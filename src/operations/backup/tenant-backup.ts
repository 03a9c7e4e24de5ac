/**
 * Single-tenant backups and their verified restores, one function pair per method:
 * - `schema-dump`: pg_dump -Fc -n <schema> (schema layout, hybrid schema tier);
 * - `database-dump`: pg_dump -Fc of the tenant's database (database layout, hybrid database tier);
 * - `copy-export`: pooled tables, where pg_dump cannot filter rows: COPY (SELECT ... WHERE
 *   tenant_id = $1) TO STDOUT per table, in one REPEATABLE READ snapshot;
 * - `rls-dump`: pooled tables under RLS: pg_dump --enable-row-security run as the application role
 *   with the tenant set through PGOPTIONS, so the policies filter what it reads.
 * Every restore goes into a fresh database and is checksummed against the source.
 */
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { withAdmin, withClient } from '../../db/client.js';
import { copyFrom, copyTo } from '../../db/copy.js';
import { assertUuid, ident, literal } from '../../db/sql.js';
import type { DbClient } from '../../db/types.js';
import { errorMessage, sqlState } from '../../errors.js';
import { grantDml } from '../../layouts/common/admin-sql.js';
import { enableRls, rlsContextSql } from '../../layouts/common/rls-policy.js';
import type { LayoutContext } from '../../layouts/layout.js';
import { stopwatch } from '../../measure/timer.js';
import type { RestoreCheck } from '../../results/backup-schema.js';
import { copyColumns, postLoadDdl, tableDdl, tenantsTableDdl, typesDdl } from '../../../seed/dataset.js';
import { TENANT_TABLES } from '../../../seed/tenant-plan.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type { TableUnit } from '../../layouts/layout.js';
import { serverOf } from '../../target/placed-target.js';
import { connArgs, diskBytes, runTool } from './pg-tool.js';
import type { ClientTools } from './pg-tool.js';
import { foreignRows, freshDatabase, unitChecksums } from './restore-check.js';
import { compareRestore } from './restore-verdict.js';

export type TenantBackupMethod = 'schema-dump' | 'database-dump' | 'copy-export' | 'rls-dump';

export const METHOD_LABEL: Record<TenantBackupMethod, string> = {
  'schema-dump': 'pg_dump -Fc -n <schema>',
  'database-dump': 'pg_dump -Fc <tenant database>',
  'copy-export': 'COPY (SELECT ... WHERE tenant_id = $1) TO STDOUT per table',
  'rls-dump': 'pg_dump -Fc --enable-row-security as the RLS role, PGOPTIONS=-c app.tenant_id=<uuid>',
};

export interface OpsEnv {
  ctx: LayoutContext;
  tools: ClientTools;
  /** -j for the directory format and parallel restores. */
  jobs: number;
}

export interface TenantBackup {
  method: TenantBackupMethod;
  unit: TableUnit;
  tenant: TenantPlan;
  /** The dump file, or the directory of per-table COPY files. */
  path: string;
  seconds: number;
  bytes: number;
}

/** Methods that apply to a tenant's unit (the pooled ones need RLS for the rls-dump). */
export function methodsFor(unit: TableUnit): TenantBackupMethod[] {
  if (!unit.pooled) return [unit.schema === 'public' ? 'database-dump' : 'schema-dump'];
  return unit.rlsRole ? ['copy-export', 'rls-dump'] : ['copy-export'];
}

const TABLE_ORDER = ['tenants', ...TENANT_TABLES] as const;

function pooledColumns(table: (typeof TABLE_ORDER)[number]): string[] {
  return table === 'tenants' ? ['id', 'slug', 'name', 'plan', 'created_at'] : copyColumns(table, { tenantColumn: true });
}

export async function backupTenant(
  env: OpsEnv,
  unit: TableUnit,
  tenant: TenantPlan,
  method: TenantBackupMethod,
  dir: string,
): Promise<TenantBackup> {
  const { ctx, tools } = env;
  // The server holding the unit's database (the primary unless tenants are placed on several servers).
  const admin = serverOf(ctx.target, unit.db).admin;
  const path = join(dir, `${unit.db}-${tenant.slug}-${method}${method === 'copy-export' ? '' : '.dump'}`);
  let seconds: number;
  switch (method) {
    case 'schema-dump':
      seconds = await runTool(tools.pgDump, ['-Fc', '-n', unit.schema, '-f', path, ...connArgs(admin, unit.db)], {
        password: admin.password,
      });
      break;
    case 'database-dump':
      seconds = await runTool(tools.pgDump, ['-Fc', '-f', path, ...connArgs(admin, unit.db)], { password: admin.password });
      break;
    case 'rls-dump': {
      const role = unit.rlsRole!;
      // Not the dedicated tenants' schemas hybrid may keep in the same database (slugs t0001...;
      // `-n public` would also dump CREATE SCHEMA public, which a fresh database already has).
      // The app role may read the tenant tables only; the migration tool's version table is not
      // granted to it, so it is left out (a real operator would grant it or dump it separately).
      seconds = await runTool(
        tools.pgDump,
        [
          '-Fc',
          '--enable-row-security',
          '--exclude-schema=t[0-9][0-9][0-9][0-9]*',
          `--exclude-table=${unit.schema}.tenantbench_migrations*`,
          '-f',
          path,
          ...connArgs(admin, unit.db, { name: role, password: '' }),
        ],
        { password: ctx.naming.password(role), pgOptions: `-c app.tenant_id=${assertUuid(tenant.id)}` },
      );
      break;
    }
    case 'copy-export': {
      mkdirSync(path, { recursive: true });
      const sw = stopwatch();
      await withAdmin(ctx.target, unit.db, async (c) => {
        // One snapshot for every table: the export is consistent even under writes.
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        for (const table of TABLE_ORDER) {
          const where = table === 'tenants' ? 'id' : 'tenant_id';
          const sql = `COPY (SELECT ${pooledColumns(table).join(', ')} FROM public.${ident(table)} WHERE ${where} = ${literal(assertUuid(tenant.id))}) TO STDOUT`;
          await pipeline(copyTo(c, sql), createWriteStream(join(path, `${table}.copy`)));
        }
        await c.query('COMMIT');
      });
      seconds = sw.seconds();
      break;
    }
  }
  return { method, unit, tenant, path, seconds, bytes: diskBytes(path) };
}

/** Pooled tables (types, tenants directory, tenant tables, keys) in an empty database. */
async function createPooledSchema(c: DbClient): Promise<void> {
  const opts = { tenantColumn: true };
  for (const s of typesDdl(opts)) await c.query(s);
  await c.query(tenantsTableDdl(opts));
  for (const t of TENANT_TABLES) await c.query(tableDdl(t, opts));
  for (const t of TENANT_TABLES) for (const s of postLoadDdl(t, opts)) await c.query(s);
}

async function copyFile(c: DbClient, table: string, columns: readonly string[], file: string): Promise<void> {
  await pipeline(createReadStream(file), copyFrom(c, `COPY ${table} (${columns.join(', ')}) FROM STDIN`));
}

export interface RlsCopyProbe {
  refused: boolean;
  sqlstate: string | null;
  error: string | null;
}

/**
 * Restore a tenant backup into a fresh database and verify it. For a pooled COPY export under RLS
 * the rows go in the way an operator without superuser would: the application role cannot COPY
 * into a table with row level security (PostgreSQL refuses it; recorded in `probe`), so it COPYs
 * into temporary staging tables and INSERTs ... SELECT from them with the tenant set, in one
 * transaction, the policy's WITH CHECK vouching for every row.
 */
export async function restoreTenant(env: OpsEnv, b: TenantBackup, probe?: (p: RlsCopyProbe) => void): Promise<RestoreCheck> {
  const { ctx, tools } = env;
  const expected = await unitChecksums(ctx, b.unit, b.unit.db, [b.tenant]);
  // Restored on the server the tenant's backup came from.
  const fresh = await freshDatabase(ctx, b.unit.db);
  const admin = serverOf(ctx.target, fresh.db).admin;
  let method = 'pg_restore';
  const sw = stopwatch();
  try {
    let seconds: number;
    try {
      if (b.method === 'copy-export') {
        const rls = b.unit.rlsRole;
        method = rls ? 'COPY into temporary staging tables + INSERT ... SELECT as the RLS role' : 'COPY FROM as the table owner';
        await withAdmin(ctx.target, fresh.db, async (c) => {
          await createPooledSchema(c);
          if (rls) {
            await enableRls(c);
            await grantDml(c, fresh.db, rls, ['public']);
            // The staging tables below are temporary: granted on this restore database only.
            await c.query(`GRANT TEMPORARY ON DATABASE ${ident(fresh.db)} TO ${ident(rls)}`);
          }
          // The tenants directory row is the operator's to create (it provisions the tenant).
          await copyFile(c, 'public.tenants', pooledColumns('tenants'), join(b.path, 'tenants.copy'));
          if (!rls) {
            for (const table of TENANT_TABLES) await copyFile(c, `public.${table}`, pooledColumns(table), join(b.path, `${table}.copy`));
          }
        });
        if (rls) {
          const cfg = ctx.target.config(fresh.db, { name: rls, password: ctx.naming.password(rls) });
          await withClient(cfg, async (c) => {
            if (probe) {
              await c.query(`BEGIN; ${rlsContextSql(b.tenant)}`);
              try {
                await copyFile(c, 'public.customers', pooledColumns('customers'), join(b.path, 'customers.copy'));
                probe({ refused: false, sqlstate: null, error: null });
              } catch (err) {
                probe({ refused: true, sqlstate: sqlState(err), error: errorMessage(err) });
              }
              await c.query('ROLLBACK');
            }
            await c.query(`BEGIN; ${rlsContextSql(b.tenant)}`);
            try {
              for (const table of TENANT_TABLES) {
                const cols = pooledColumns(table).join(', ');
                const stage = `stage_${table}`;
                await c.query(`CREATE TEMP TABLE ${stage} (LIKE public.${ident(table)}) ON COMMIT DROP`);
                await copyFile(c, stage, pooledColumns(table), join(b.path, `${table}.copy`));
                await c.query(`INSERT INTO public.${ident(table)} (${cols}) SELECT ${cols} FROM ${stage}`);
              }
              await c.query('COMMIT');
            } catch (err) {
              await c.query('ROLLBACK').catch(() => {});
              throw err;
            }
          });
        }
        seconds = sw.seconds();
      } else {
        method = `pg_restore${b.method === 'rls-dump' ? ' (as the admin role)' : ''}`;
        seconds = await runTool(tools.pgRestore, ['--exit-on-error', '--no-owner', ...connArgs(admin, fresh.db), b.path], {
          password: admin.password,
        });
      }
    } catch (err) {
      return compareRestore(method, expected, null, { seconds: null, foreign: null, error: errorMessage(err) });
    }
    const restored = await unitChecksums(ctx, b.unit, fresh.db, [b.tenant]);
    const foreign = b.unit.pooled ? await foreignRows(ctx, fresh.db, [b.tenant]) : 0;
    return compareRestore(method, expected, restored, { seconds, foreign, error: null });
  } finally {
    await fresh.dispose();
  }
}
