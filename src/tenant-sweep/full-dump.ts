/**
 * pg_dump of a whole layout at one sweep step, and the locks it needs. pg_dump takes an ACCESS
 * SHARE lock on every table it dumps, all in one transaction, so the shared lock table must hold
 * them all: it has max_locks_per_transaction x (MaxBackends + max_prepared_transactions) slots
 * (MaxBackends = max_connections + autovacuum_max_workers + 1 + max_worker_processes +
 * max_wal_senders), shared by every session. The least max_locks_per_transaction for this pg_dump
 * alone is therefore ceil(locks / those slots); other sessions' locks come on top.
 * The archive is checked by listing it (a TABLE DATA entry per table), not restored: the verified
 * whole-layout backup (restore and checksums) is the backup operation's (src/operations/backup).
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, withAdmin } from '../db/client.js';
import { errorMessage } from '../errors.js';
import { pollQuery } from '../measure/poll-query.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { LayoutContext } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { clientTools, connArgs, diskBytes, runTool } from '../operations/backup/pg-tool.js';
import { serverOf } from '../target/placed-target.js';
import { harnessTempDir } from '../temp-dir.js';
import type { SweepLayout } from '../results/sweep-schema.js';

export type FullDump = NonNullable<SweepLayout['fullDump']>;

const SLOTS_SQL = `SELECT current_setting('max_locks_per_transaction')::int AS max_locks,
  (current_setting('max_connections')::int + current_setting('autovacuum_max_workers')::int + 1 + current_setting('max_worker_processes')::int
   + current_setting('max_wal_senders')::int + current_setting('max_prepared_transactions')::int) AS slots`;

const TABLES_SQL = `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`;

/** The least max_locks_per_transaction for `locks` locks held at once, with `slotsPerLock` processes' worth of slots. */
export function requiredMaxLocks(locks: number, slotsPerLock: number): number {
  return Math.ceil(locks / slotsPerLock);
}

/** Most pg_locks rows held by one pg_dump backend (application_name pg_dump), sampled every `intervalMs`. */
async function sampleDumpLocks(ctx: LayoutContext, intervalMs = 100): Promise<{ stop(): Promise<number | null> }> {
  const c = await connect(ctx.target.config(ctx.target.admin.database), { ignoreIdleErrors: true });
  let peak = 0;
  const polling = pollQuery(async () => {
    const r = await c.query<{ n: number }>(
      "SELECT coalesce(max(n), 0)::int AS n FROM (SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = 'pg_dump' GROUP BY l.pid) x",
    );
    peak = Math.max(peak, r.rows[0]!.n);
  }, intervalMs);
  return {
    async stop() {
      const failure = await polling.stop();
      await c.end().catch(() => {});
      return failure ? null : peak;
    },
  };
}

export async function measureFullDump(ctx: LayoutContext, layout: LayoutName): Promise<FullDump> {
  const tools = clientTools(ctx.target, ctx.serverVersionNum);
  if ('reason' in tools) return { status: 'not measured', reason: `not measured: ${tools.reason}` };
  const dbs = layoutOf(layout).databases(ctx);
  const settings = await withAdmin(
    ctx.target,
    ctx.target.admin.database,
    async (c) => (await c.query<{ max_locks: number; slots: number }>(SLOTS_SQL)).rows[0]!,
  );
  const out: Extract<FullDump, { databases: number }> = {
    status: 'failed',
    databases: dbs.length,
    seconds: null,
    bytes: null,
    tablesLocked: 0,
    peakLocksSampled: null,
    lockSlotsPerLock: settings.slots,
    requiredMaxLocksPerTransaction: null,
    maxLocksPerTransaction: settings.max_locks,
    error: null,
  };
  const dir = harnessTempDir('tb-sweep-dump-');
  const sampler = await sampleDumpLocks(ctx);
  try {
    let seconds = 0;
    let bytes = 0;
    for (const db of dbs) {
      const admin = serverOf(ctx.target, db).admin;
      const tables = await withAdmin(ctx.target, db, async (c) => (await c.query<{ n: number }>(TABLES_SQL)).rows[0]!.n);
      out.tablesLocked = Math.max(out.tablesLocked, tables);
      const path = join(dir, `${db}.dump`);
      seconds += await runTool(tools.pgDump, ['-Fc', '-f', path, ...connArgs(admin, db)], { password: admin.password });
      bytes += diskBytes(path);
      const listed = await listTableData(tools.pgRestore, path);
      rmSync(path, { force: true });
      if (listed !== tables) throw new Error(`${db}: the archive lists ${listed} TABLE DATA entries for ${tables} tables`);
    }
    out.seconds = seconds;
    out.bytes = bytes;
    out.status = 'ok';
  } catch (err) {
    out.error = errorMessage(err);
  } finally {
    out.peakLocksSampled = await sampler.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  out.requiredMaxLocksPerTransaction = requiredMaxLocks(Math.max(out.tablesLocked, out.peakLocksSampled ?? 0), settings.slots);
  return out;
}

const run = promisify(execFile);

/** TABLE DATA entries in a custom-format archive's table of contents (pg_restore -l). */
async function listTableData(pgRestore: string, path: string): Promise<number> {
  const { stdout } = await run(pgRestore, ['-l', path], { maxBuffer: 512 * 1024 * 1024 });
  return stdout.split('\n').filter((l) => /^\d+;.* TABLE DATA /.test(l)).length;
}
