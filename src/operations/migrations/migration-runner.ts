/**
 * Applies the migration set to one unit (a pooled database, a tenant schema or a tenant database)
 * with node-pg-migrate, which keeps its version table in that unit's schema. All transactional steps
 * pending for a unit run in one transaction (singleTransaction), so a unit is either fully migrated
 * to the last transactional step or left unchanged; CREATE INDEX CONCURRENTLY cannot run in a
 * transaction and is applied after that commit, on its own (re-runnable).
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import createDebug from 'debug';
import { runner } from 'node-pg-migrate';
import type { RunnerOption } from 'node-pg-migrate';
import { errorMessage } from '../../errors.js';
import { connect, connectDriver } from '../../db/client.js';
import type { DriverClient } from '../../db/driver.js';
import { ident, literal } from '../../db/sql.js';
import type { QueryResult } from '../../db/types.js';
import { stopwatch } from '../../measure/timer.js';
import type { Target } from '../../target/target.js';
import type { TableUnit } from '../../layouts/layout.js';
import { failureOf, retryDeadlocks } from './deadlock-retry.js';

const debug = createDebug('tenantbench:migrate');

/** The version table node-pg-migrate keeps in every unit's schema. */
export const MIGRATIONS_TABLE = 'tenantbench_migrations';
/** Compiled migration files (dist/src/operations/migrations/steps/NNN_name.js). */
export const STEPS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'steps');

/** Migration names in order (file names without extension), e.g. 001_add_nullable_column. */
export function migrationNames(): string[] {
  return readdirSync(STEPS_DIR)
    .filter((f) => extname(f) === '.js')
    .map((f) => basename(f, '.js'))
    .sort();
}

export interface UnitOutcome {
  unit: string;
  db: string;
  schema: string;
  status: 'ok' | 'failed';
  /** Migrations recorded in the unit's version table before and after this run (null: unreadable). */
  versionBefore: number | null;
  versionAfter: number | null;
  lastMigration: string | null;
  applied: string[];
  seconds: number;
  /** Most locks (pg_locks rows) the unit's migration transaction held, sampled just before each COMMIT. */
  locksHeld: number | null;
  error: string | null;
  sqlstate: string | null;
  /** Attempts that lost a deadlock (40P01) and were rolled back, then run again. */
  deadlockRetries?: number;
}

export interface MigrateUnitOptions {
  /** Apply at most this many pending migrations (default: all; down: 1 unless given). */
  count?: number;
  /** up (default) or down: undo applied migrations, newest first. */
  direction?: 'up' | 'down';
  /** lock_timeout for the migration session, ms: a migration queued behind a long transaction fails instead of blocking everyone behind it. */
  lockTimeoutMs?: number;
  /** Run a unit again when its transaction was chosen as a deadlock victim (40P01), this many times at most (default 2). */
  deadlockRetries?: number;
}

/** node-pg-migrate's default loader goes through jiti; the compiled steps are plain ESM, import them natively. */
type Loader = Extract<NonNullable<RunnerOption['migrationLoaderStrategies']>[number]['loader'], (...a: never[]) => unknown>;
const loadSteps: Loader = async (paths) =>
  Promise.all(
    paths.map(async (p) => ({
      id: p,
      filePaths: [p],
      actions: (await import(pathToFileURL(p).href)) as Awaited<ReturnType<Loader>>[number]['actions'],
    })),
  );

/** Advisory lock key per unit: units of one database (schemas) may migrate in parallel. */
function lockValueOf(u: TableUnit): number {
  return createHash('sha256').update(`${u.db}/${u.schema}`).digest().readUInt32BE(0);
}

export async function readVersion(target: Target, u: TableUnit): Promise<{ version: number; last: string | null } | null> {
  const c = await connect(target.config(u.db), { ignoreIdleErrors: true });
  try {
    const exists = await c.query(`SELECT to_regclass(${literal(`${ident(u.schema)}.${MIGRATIONS_TABLE}`)}) IS NOT NULL AS ok`);
    if (!exists.rows[0]?.ok) return { version: 0, last: null };
    const r = await c.query<{ n: string; last: string | null }>(
      `SELECT count(*)::text AS n, (SELECT name FROM ${ident(u.schema)}.${MIGRATIONS_TABLE} ORDER BY id DESC LIMIT 1) AS last FROM ${ident(u.schema)}.${MIGRATIONS_TABLE}`,
    );
    return { version: Number(r.rows[0]!.n), last: r.rows[0]!.last };
  } catch (err) {
    debug('version of %s/%s: %s', u.db, u.schema, errorMessage(err));
    return null;
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * Migrate one unit. A unit's transactional steps run in one transaction, so a unit that lost a
 * deadlock against the workload was left unchanged and is simply run again (up to
 * `deadlockRetries` times), as an operator would; the retries are counted in the outcome. Its
 * seconds cover every attempt.
 */
export async function migrateUnit(target: Target, u: TableUnit, opts: MigrateUnitOptions = {}): Promise<UnitOutcome> {
  const sw = stopwatch();
  const { first, last, retries } = await retryDeadlocks(
    () => migrateUnitOnce(target, u, opts),
    opts.deadlockRetries ?? 2,
    (retry) => debug('%s: deadlock victim, attempt %d', u.key, retry + 1),
  );
  return { ...last, versionBefore: first.versionBefore, seconds: sw.seconds(), ...(retries ? { deadlockRetries: retries } : {}) };
}

async function migrateUnitOnce(target: Target, u: TableUnit, opts: MigrateUnitOptions): Promise<UnitOutcome> {
  const before = await readVersion(target, u);
  const sw = stopwatch();
  let c: DriverClient | null = null;
  let locksHeld: number | null = null;
  const out: UnitOutcome = {
    unit: u.key,
    db: u.db,
    schema: u.schema,
    status: 'ok',
    versionBefore: before?.version ?? null,
    versionAfter: null,
    lastMigration: null,
    applied: [],
    seconds: 0,
    locksHeld: null,
    error: null,
    sqlstate: null,
  };
  try {
    // node-pg-migrate drives node-postgres' own Client.
    c = await connectDriver(target.config(u.db), { ignoreIdleErrors: true });
    await c.query(`SET lock_timeout = ${Number(opts.lockTimeoutMs ?? 10_000)}`);
    // Count the locks the migration transaction holds right before it commits (what it blocks others on).
    const query = c.query.bind(c) as (...a: unknown[]) => Promise<QueryResult>;
    (c as unknown as { query: (...a: unknown[]) => Promise<QueryResult> }).query = async (...args: unknown[]) => {
      if (typeof args[0] === 'string' && /^\s*COMMIT;?\s*$/i.test(args[0])) {
        const r = await query('SELECT count(*)::int AS n FROM pg_locks WHERE pid = pg_backend_pid()').catch(() => null);
        const n = (r?.rows[0] as { n?: number } | undefined)?.n;
        if (typeof n === 'number') locksHeld = Math.max(locksHeld ?? 0, n);
      }
      return query(...args);
    };
    const applied = await runner({
      dbClient: c,
      dir: STEPS_DIR,
      ignorePattern: '(\\..*)|(.*\\.map)',
      migrationLoaderStrategies: [{ extensions: ['.js'], loader: loadSteps }],
      migrationsTable: MIGRATIONS_TABLE,
      schema: u.schema,
      migrationsSchema: u.schema,
      direction: opts.direction ?? 'up',
      ...(opts.count !== undefined ? { count: opts.count } : {}),
      singleTransaction: true,
      checkOrder: true,
      lockValue: lockValueOf(u),
      advisoryLockMode: 'fail',
      logger: {
        debug: (m: string) => debug(m),
        info: (m: string) => debug(m),
        warn: (m: string) => debug(m),
        error: (m: string) => debug(m),
      },
    });
    out.applied = applied.map((m) => m.name);
  } catch (err) {
    out.status = 'failed';
    ({ sqlstate: out.sqlstate, error: out.error } = failureOf(err));
  } finally {
    await c?.end().catch(() => {});
  }
  out.seconds = sw.seconds();
  out.locksHeld = locksHeld;
  const after = await readVersion(target, u);
  out.versionAfter = after?.version ?? null;
  out.lastMigration = after?.last ?? null;
  return out;
}
