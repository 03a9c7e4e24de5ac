/**
 * Moving a tenant out of pooled tables into its own schema (same database) or its own database:
 * create the tables without tenant_id, copy the rows (INSERT ... SELECT within a database, a COPY
 * stream between databases), build keys and indexes, ANALYZE, and verify the copy's checksum
 * against the pooled rows. Deleting the rows from the pooled tables is timed in a transaction that
 * is rolled back, so the layout keeps its dataset for later stages; the copy is dropped afterwards.
 */
import { pipeline } from 'node:stream/promises';
import { withAdmin } from '../../db/client.js';
import { copyFrom, copyTo } from '../../db/copy.js';
import { assertUuid, ident, literal } from '../../db/sql.js';
import { errorMessage } from '../../errors.js';
import { dropDatabases, recreateDatabase } from '../../layouts/common/admin-sql.js';
import { pooledChecksums, tenantChecksums } from '../../layouts/common/inspect.js';
import type { LayoutContext } from '../../layouts/layout.js';
import { stopwatch } from '../../measure/timer.js';
import type { ExtractionMove } from '../../results/extraction-schema.js';
import { tenantChecksum } from '../../seed-check.js';
import { dataColumns, postLoadDdl, tableDdl, typesDdl } from '../../../seed/dataset.js';
import { TENANT_TABLES } from '../../../seed/tenant-plan.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';

export interface ExtractOptions {
  /** Pooled database the tenant's rows are in. */
  sourceDb: string;
  /** Label of the source layout for the summary. */
  from: string;
  to: 'schema' | 'database';
}

export async function extractTenant(ctx: LayoutContext, tenant: TenantPlan, o: ExtractOptions): Promise<ExtractionMove> {
  const move: ExtractionMove = {
    tenant: tenant.slug,
    from: o.from,
    to: o.to,
    status: 'failed',
    rows: null,
    checksumSource: null,
    checksumMoved: null,
    seconds: { provision: null, copy: null, index: null, verify: null, delete: null, total: null },
    error: null,
  };
  const id = literal(assertUuid(tenant.id));
  const targetDb = o.to === 'database' ? ctx.naming.db(`extract_${tenant.slug}`) : o.sourceDb;
  // In its own database the tenant's tables go to public; in the pooled database, to a schema named by its slug.
  const schema = o.to === 'database' ? 'public' : `${tenant.slug}_moved`;
  const q = ident(schema);
  const total = stopwatch();
  try {
    let sw = stopwatch();
    if (o.to === 'database') await recreateDatabase(ctx, targetDb);
    await withAdmin(ctx.target, targetDb, async (c) => {
      if (o.to === 'schema') await c.query(`DROP SCHEMA IF EXISTS ${q} CASCADE; CREATE SCHEMA ${q}`);
      for (const s of typesDdl({ tenantColumn: false, schema: q })) await c.query(s);
      for (const t of TENANT_TABLES) await c.query(tableDdl(t, { tenantColumn: false, schema: q }));
    });
    move.seconds.provision = sw.seconds();

    sw = stopwatch();
    if (o.to === 'schema') {
      await withAdmin(ctx.target, o.sourceDb, async (c) => {
        await c.query('BEGIN');
        for (const t of TENANT_TABLES) {
          const cols = dataColumns(t).join(', ');
          // Enum columns: the pooled enum type and the schema's are different types; go through text.
          const select = dataColumns(t)
            .map((col) =>
              col === 'status' || col === 'segment' ? `${col}::text::${q}.${col === 'status' ? 'order_status' : 'customer_segment'}` : col,
            )
            .join(', ');
          await c.query(`INSERT INTO ${q}.${ident(t)} (${cols}) SELECT ${select} FROM public.${ident(t)} WHERE tenant_id = ${id}`);
        }
        await c.query('COMMIT');
      });
    } else {
      await withAdmin(ctx.target, o.sourceDb, (src) =>
        withAdmin(ctx.target, targetDb, async (dst) => {
          for (const t of TENANT_TABLES) {
            const cols = dataColumns(t).join(', ');
            await pipeline(
              copyTo(src, `COPY (SELECT ${cols} FROM public.${ident(t)} WHERE tenant_id = ${id}) TO STDOUT`),
              copyFrom(dst, `COPY public.${ident(t)} (${cols}) FROM STDIN`),
            );
          }
        }),
      );
    }
    move.seconds.copy = sw.seconds();

    sw = stopwatch();
    await withAdmin(ctx.target, targetDb, async (c) => {
      for (const t of TENANT_TABLES) for (const s of postLoadDdl(t, { tenantColumn: false, schema: q })) await c.query(s);
      for (const t of TENANT_TABLES) await c.query(`ANALYZE ${q}.${ident(t)}`);
    });
    move.seconds.index = sw.seconds();

    sw = stopwatch();
    const source = (await pooledChecksums(ctx, o.sourceDb, [tenant])).get(tenant.slug)!;
    const moved = await tenantChecksums(ctx, targetDb, o.to === 'database' ? undefined : schema);
    move.seconds.verify = sw.seconds();
    move.rows = TENANT_TABLES.reduce((a, t) => a + moved[t].rows, 0);
    move.checksumSource = tenantChecksum(source);
    move.checksumMoved = tenantChecksum(moved);

    sw = stopwatch();
    await withAdmin(ctx.target, o.sourceDb, async (c) => {
      await c.query('BEGIN');
      try {
        for (const t of [...TENANT_TABLES].reverse()) await c.query(`DELETE FROM public.${ident(t)} WHERE tenant_id = ${id}`);
      } finally {
        await c.query('ROLLBACK');
      }
    });
    move.seconds.delete = sw.seconds();
    move.seconds.total = total.seconds();
    move.status = move.checksumSource === move.checksumMoved ? 'ok' : 'failed';
    if (move.status === 'failed')
      move.error = `checksum of the moved tenant ${move.checksumMoved} differs from the source ${move.checksumSource}`;
  } catch (err) {
    move.error = errorMessage(err);
  } finally {
    if (o.to === 'database') await dropDatabases(ctx, [targetDb]).catch(() => {});
    else await withAdmin(ctx.target, targetDb, (c) => c.query(`DROP SCHEMA IF EXISTS ${q} CASCADE`)).catch(() => {});
  }
  return move;
}
