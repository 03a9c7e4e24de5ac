/**
 * Seeding building blocks shared by the layouts: a pooled database (tables with tenant_id), a
 * schema per tenant in one database, and a database per tenant. Each streams generated rows with
 * COPY into bare tables, then builds keys and indexes, then ANALYZEs, and reports the seconds of
 * each phase.
 */
import type { Readable } from 'node:stream';
import { copyFromSource } from '../../db/copy.js';
import type { DbClient } from '../../db/types.js';
import { withAdmin, runLimited } from '../../db/client.js';
import { ident } from '../../db/sql.js';
import { bareSchemaDdl, copyColumns, postLoadDdl } from '../../../seed/dataset.js';
import { tableCopyStream, tenantsCopyText } from '../../../seed/generator.js';
import { TENANT_TABLES } from '../../../seed/tenant-plan.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { stopwatch } from '../../measure/timer.js';
import type { LayoutContext, LayoutName, SeedTimings } from '../layout.js';
import { dropDatabases, recreateDatabase } from './admin-sql.js';
import { bindNear, serverIndexOf } from '../../target/placed-target.js';
import { Readable as NodeReadable } from 'node:stream';
import { batchesOf } from './batches.js';

export type Phases = Omit<SeedTimings, 'total'>;

export const zeroPhases = (): Phases => ({ provision: 0, load: 0, index: 0, analyze: 0 });

export function addPhases(a: Phases, b: Phases): Phases {
  return { provision: a.provision + b.provision, load: a.load + b.load, index: a.index + b.index, analyze: a.analyze + b.analyze };
}

export function copyIn(c: DbClient, table: string, columns: readonly string[], source: Readable): Promise<number> {
  return copyFromSource(c, `COPY ${table} (${columns.join(', ')}) FROM STDIN`, source);
}

/**
 * A pooled database: the tenants directory plus every tenant table with tenant_id leading.
 * Tables load concurrently (no foreign keys yet), keys and indexes come after, then ANALYZE.
 */
export async function seedPooledDatabase(
  ctx: LayoutContext,
  layout: LayoutName,
  db: string,
  tenants: readonly TenantPlan[],
): Promise<Phases> {
  const phases = zeroPhases();
  const opts = { tenantColumn: true };
  let sw = stopwatch();
  ctx.progress.phase(layout, 'provision');
  await recreateDatabase(ctx, db);
  await withAdmin(ctx.target, db, async (c) => {
    for (const s of bareSchemaDdl(opts)) await c.query(s);
  });
  phases.provision = sw.seconds();

  sw = stopwatch();
  ctx.progress.phase(layout, 'load');
  await withAdmin(ctx.target, db, async (c) => {
    const rows = tenantsCopyText({ ...ctx.plan, tenants }, ctx.pools);
    await copyIn(c, 'tenants', ['id', 'slug', 'name', 'plan', 'created_at'], NodeReadable.from([Buffer.from(rows)]));
  });
  // Largest table first so the concurrent streams finish close together.
  const order = [...TENANT_TABLES].sort((a, b) => ctx.plan.totals[b] - ctx.plan.totals[a]);
  await runLimited(order, ctx.scenario.seeding.concurrency, async (table) => {
    await withAdmin(ctx.target, db, (c) =>
      copyIn(
        c,
        table,
        copyColumns(table, opts),
        tableCopyStream(table, tenants, ctx.pools, { ...opts, onRows: (n) => ctx.progress.rows(layout, n) }),
      ),
    );
  });
  phases.load = sw.seconds();

  sw = stopwatch();
  ctx.progress.phase(layout, 'index');
  await buildIndexes(ctx, db, [opts]);
  phases.index = sw.seconds();

  sw = stopwatch();
  ctx.progress.phase(layout, 'analyze');
  await withAdmin(ctx.target, db, (c) => c.query('ANALYZE'));
  phases.analyze = sw.seconds();
  return phases;
}

/**
 * Keys and indexes after the load. Within one schema: primary/unique keys and indexes per table
 * (tables in parallel), then foreign keys (they need the referenced keys). Many schemas: schemas in
 * parallel, each worker on one connection of its own, a schema's keys then foreign keys in one
 * statement batch (one implicit transaction per schema): at 10,000 schemas a connection per table
 * would be 50,000 connections.
 */
async function buildIndexes(ctx: LayoutContext, db: string, schemas: readonly { tenantColumn: boolean; schema?: string }[]): Promise<void> {
  const concurrency = ctx.scenario.seeding.concurrency;
  const ordered = (opts: { tenantColumn: boolean; schema?: string }) => {
    const ddl = TENANT_TABLES.map((t) => postLoadDdl(t, opts));
    return {
      keys: ddl.map((stmts) => stmts.filter((s) => !/FOREIGN KEY/.test(s))),
      fks: ddl.flatMap((stmts) => stmts.filter((s) => /FOREIGN KEY/.test(s))),
    };
  };
  if (schemas.length === 1) {
    const { keys, fks } = ordered(schemas[0]!);
    await runLimited(keys, concurrency, (stmts) =>
      withAdmin(ctx.target, db, async (c) => {
        for (const s of stmts) await c.query(s);
      }),
    );
    await withAdmin(ctx.target, db, async (c) => {
      for (const s of fks) await c.query(s);
    });
    return;
  }
  await onConnections(ctx, db, schemas, concurrency, async (c, batch) => {
    const ddl = batch.map(ordered);
    await c.query([...ddl.flatMap((d) => d.keys.flat()), ...ddl.flatMap((d) => d.fks)].join(';\n'));
  });
}

/** Schemas per statement batch (one implicit transaction) when provisioning many tenant schemas. */
const PROVISION_BATCH = 100;

/**
 * `fn` for every batch of at most PROVISION_BATCH items (fewer when there are few items), `concurrency` workers, each on one
 * connection of its own for all its batches, each batch in one transaction: a connection per item
 * costs a backend start each, a commit per item a WAL flush each (10,000 tenants: 40,000 COPYs).
 */
export async function onConnections<T>(
  ctx: LayoutContext,
  db: string,
  items: readonly T[],
  concurrency: number,
  fn: (c: DbClient, batch: readonly T[]) => Promise<unknown>,
): Promise<void> {
  // Small enough batches that the workers stay balanced (a few large tenants among many small ones).
  const size = Math.max(1, Math.min(PROVISION_BATCH, Math.ceil(items.length / (concurrency * 4))));
  const batches = batchesOf(items, size);
  let next = 0;
  let failed: unknown = null;
  const worker = () =>
    withAdmin(ctx.target, db, async (c) => {
      while (failed === null && next < batches.length) {
        const batch = batches[next++]!;
        try {
          await c.query('BEGIN');
          await fn(c, batch);
          await c.query('COMMIT');
        } catch (err) {
          failed ??= err;
          await c.query('ROLLBACK').catch(() => {});
        }
      }
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, batches.length)) }, worker));
  if (failed !== null) throw failed;
}

/** One schema per tenant (named by its slug) in `db`, same tables without tenant_id. */
export async function seedTenantSchemas(
  ctx: LayoutContext,
  layout: LayoutName,
  db: string,
  tenants: readonly TenantPlan[],
  opts: { createDatabase: boolean },
): Promise<Phases> {
  const phases = zeroPhases();
  let sw = stopwatch();
  ctx.progress.phase(layout, 'provision');
  if (opts.createDatabase) await recreateDatabase(ctx, db);
  // A batch of schemas per statement batch and transaction: few round trips and commits at 10,000
  // tenants, few enough locks per transaction (7 objects per schema); batches on `concurrency`
  // connections at once (schemas share no object, so their DDL does not wait on each other).
  await onConnections(ctx, db, tenants, ctx.scenario.seeding.concurrency, async (c, batch) => {
    const ddl = batch.flatMap((t) => {
      const schema = ident(t.slug);
      return [`CREATE SCHEMA ${schema}`, ...bareSchemaDdl({ tenantColumn: false, schema })];
    });
    await c.query(ddl.join(';\n'));
  });
  phases.provision = sw.seconds();

  sw = stopwatch();
  ctx.progress.phase(layout, 'load');
  await onConnections(ctx, db, tenants, ctx.scenario.seeding.concurrency, async (c, batch) => {
    for (const t of batch)
      for (const table of TENANT_TABLES) {
        await copyIn(
          c,
          `${ident(t.slug)}.${table}`,
          copyColumns(table, { tenantColumn: false }),
          tableCopyStream(table, [t], ctx.pools, { tenantColumn: false, onRows: (n) => ctx.progress.rows(layout, n) }),
        );
      }
  });
  phases.load = sw.seconds();

  sw = stopwatch();
  ctx.progress.phase(layout, 'index');
  await buildIndexes(
    ctx,
    db,
    tenants.map((t) => ({ tenantColumn: false, schema: ident(t.slug) })),
  );
  phases.index = sw.seconds();

  sw = stopwatch();
  ctx.progress.phase(layout, 'analyze');
  await withAdmin(ctx.target, db, (c) => c.query('ANALYZE'));
  phases.analyze = sw.seconds();
  return phases;
}

/**
 * One database per tenant: an empty template with the tables is created once and cloned per
 * tenant (CREATE DATABASE ... TEMPLATE), then each tenant database is loaded, indexed and analyzed.
 */
export async function seedTenantDatabases(
  ctx: LayoutContext,
  layout: LayoutName,
  dbOf: (t: TenantPlan) => string,
  templateDb: string,
  tenants: readonly TenantPlan[],
): Promise<Phases> {
  const phases = zeroPhases();
  const opts = { tenantColumn: false };
  const sw = stopwatch();
  ctx.progress.phase(layout, 'provision');
  // CREATE DATABASE ... TEMPLATE copies within one server: with several servers (placement), one
  // template per server that holds tenants of this layout, bound to that server.
  const byServer = new Map<number, TenantPlan[]>();
  for (const t of tenants) {
    const i = serverIndexOf(ctx.target, dbOf(t));
    byServer.set(i, [...(byServer.get(i) ?? []), t]);
  }
  for (const [i, group] of byServer) {
    const template = i === 0 ? templateDb : `${templateDb}_${i}`;
    bindNear(ctx.target, template, dbOf(group[0]!));
    await recreateDatabase(ctx, template);
    await withAdmin(ctx.target, template, async (c) => {
      for (const s of bareSchemaDdl(opts)) await c.query(s);
    });
    for (const t of group) await recreateDatabase(ctx, dbOf(t), template);
    await dropDatabases(ctx, [template]);
  }
  phases.provision = sw.seconds();

  // Load, index and analyze tenant by tenant (each step timed separately, summed over tenants).
  ctx.progress.phase(layout, 'load');
  let load = 0;
  let index = 0;
  let analyze = 0;
  const wall = stopwatch();
  await runLimited(tenants, ctx.scenario.seeding.concurrency, (t) =>
    withAdmin(ctx.target, dbOf(t), async (c) => {
      let s = stopwatch();
      for (const table of TENANT_TABLES) {
        await copyIn(
          c,
          table,
          copyColumns(table, opts),
          tableCopyStream(table, [t], ctx.pools, { ...opts, onRows: (n) => ctx.progress.rows(layout, n) }),
        );
      }
      load += s.seconds();
      s = stopwatch();
      const ddl = TENANT_TABLES.flatMap((tb) => postLoadDdl(tb, opts));
      const ordered = [...ddl.filter((x) => !/FOREIGN KEY/.test(x)), ...ddl.filter((x) => /FOREIGN KEY/.test(x))];
      for (const stmt of ordered) await c.query(stmt);
      index += s.seconds();
      s = stopwatch();
      await c.query('ANALYZE');
      analyze += s.seconds();
    }),
  );
  // Report wall-clock seconds, split in the proportions the tenants spent in each step.
  const busy = load + index + analyze || 1;
  const w = wall.seconds();
  phases.load = (w * load) / busy;
  phases.index = (w * index) / busy;
  phases.analyze = (w * analyze) / busy;
  return phases;
}
