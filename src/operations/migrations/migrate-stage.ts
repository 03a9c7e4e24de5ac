/**
 * The migrate stage: the migration set applied to every layout of the session. Pooled layouts
 * migrate their shared tables once; schema and database layouts loop over every tenant, `parallel`
 * at a time. Every unit's outcome and version are recorded; a failed unit does not stop the others,
 * and a re-run resumes from each unit's own version table.
 */
import { createRequire } from 'node:module';
import { withAdmin } from '../../db/client.js';
import { stopwatch } from '../../measure/timer.js';
import type { RunSession } from '../../pipeline/run-session.js';
import type { LayoutName } from '../../config/scenario-schema.js';
import { notMeasured } from '../../results/measure-schemas.js';
import type { LayoutMigration } from '../../results/migration-schema.js';
import { PartialFailureError, errorMessage } from '../../errors.js';
import { mapLimited, spread } from '../map-limited.js';
import type { TableUnit } from '../../layouts/layout.js';
import { layout as layoutOf } from '../../layouts/registry.js';
import { lockProbe } from './lock-probe.js';
import { migrateUnit, migrationNames, readVersion } from './migration-runner.js';
import type { UnitOutcome } from './migration-runner.js';
import { measureMigrationUnderLoad } from './under-load.js';

export interface MigrateOptions {
  /** Units migrated at once (schema and database layouts). */
  parallel?: number;
  /** Apply at most this many pending migrations per unit (default: all). */
  count?: number;
  lockTimeoutMs?: number;
  /**
   * With parallel > 1 and more than one unit: first apply the pending migrations one unit at a
   * time, undo them with the down migrations, then apply them `parallel` at a time, so both
   * figures come from the same run.
   */
  compareSequential?: boolean;
  /**
   * After the quiet figures: undo the migrations with the down migrations, measure a quiet workload
   * segment, then re-apply the migrations while the same segment runs (migration under load).
   */
  underLoad?: boolean;
  /** Why the migration under load is not measured when `underLoad` is off (default: the flag's name). */
  underLoadSkipReason?: string;
}

/** Some units failed their migration; the others are migrated and recorded (exit 1). */
export class MigrationFailedError extends PartialFailureError {}

export function toolVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = require('node-pg-migrate/package.json') as { version: string };
  return `node-pg-migrate ${pkg.version}`;
}

/** Migrate one layout and return its summary section. */
export async function migrateLayout(
  s: Pick<RunSession, 'ctx' | 'target'>,
  layout: LayoutName,
  opts: MigrateOptions = {},
): Promise<LayoutMigration> {
  const parallel = opts.parallel ?? 1;
  const units = layoutOf(layout).tableUnits(s.ctx);
  const run = (p: number) => {
    const sw = stopwatch();
    return mapLimited(units, p, (u) => migrateUnit(s.target, u, { count: opts.count, lockTimeoutMs: opts.lockTimeoutMs })).then(
      (perUnit) => ({ perUnit, seconds: sw.seconds() }),
    );
  };
  let sequential: LayoutMigration['sequential'] = null;
  // At most `parallel` connections at once: 10,000 tenant schemas must not open 10,000 connections together (max_connections).
  const before = await mapLimited(units, parallel, (u) => readVersion(s.target, u));
  if (opts.compareSequential && parallel > 1 && units.length > 1) {
    const seq = await run(1);
    if (seq.perUnit.some((u) => u.status !== 'ok')) return summarize(s, units.length, seq.perUnit, seq.seconds, 1, null, opts);
    // Undo exactly what the sequential pass applied, so the parallel pass does the same work.
    const undone = await mapLimited(units, parallel, async (u, i) => {
      const n = (seq.perUnit[i]!.versionAfter ?? 0) - (before[i]?.version ?? 0);
      return n > 0 ? migrateUnit(s.target, u, { direction: 'down', count: n, lockTimeoutMs: opts.lockTimeoutMs }) : null;
    });
    const failedUndo = undone.find((u) => u && u.status !== 'ok');
    if (failedUndo) throw new Error(`undoing the sequential pass failed for ${failedUndo.unit}: ${failedUndo.error}`);
    sequential = { seconds: seq.seconds, unitSeconds: spread(seq.perUnit.map((u) => u.seconds)) };
  }
  const main = await run(parallel);
  const m = await summarize(s, units.length, main.perUnit, main.seconds, parallel, sequential, opts);
  m.oneTransactionLocks = await lockProbe(s.target, units);
  if (m.oneTransactionLocks.status === 'lock limit hit') m.lockLimitErrors += 1;
  if (opts.underLoad) await underLoad(s, layout, units, before, main.perUnit, m, () => run(parallel).then((r) => r.perUnit), opts);
  else m.underLoad = notMeasured(opts.underLoadSkipReason ?? 'not requested (--no-under-load)');
  return m;
}

/**
 * Migration under load, after the quiet figures: undo what the quiet run applied, then re-apply it
 * while the workload runs. Every unit ends at the version the quiet run reached (a unit the loaded
 * run left behind is migrated again, quietly), so later stages see the same tables.
 */
async function underLoad(
  s: Pick<RunSession, 'ctx' | 'target'>,
  layout: LayoutName,
  units: TableUnit[],
  before: Array<{ version: number } | null>,
  applied: UnitOutcome[],
  m: LayoutMigration,
  migrate: () => Promise<UnitOutcome[]>,
  opts: MigrateOptions,
): Promise<void> {
  if (m.status !== 'ok') {
    m.underLoad = notMeasured('the quiet migration failed');
    return;
  }
  const counts = units.map((_, i) => (applied[i]!.versionAfter ?? 0) - (before[i]?.version ?? 0));
  if (counts.every((n) => n <= 0)) {
    m.underLoad = notMeasured('nothing to migrate: every unit was already at the target version');
    return;
  }
  const undone = await mapLimited(units, m.parallel, async (u, i) =>
    counts[i]! > 0 ? migrateUnit(s.target, u, { direction: 'down', count: counts[i]!, lockTimeoutMs: opts.lockTimeoutMs }) : null,
  );
  const failedUndo = undone.find((u) => u && u.status !== 'ok');
  if (failedUndo) throw new Error(`undoing the migrations before the run under load failed for ${failedUndo.unit}: ${failedUndo.error}`);
  try {
    m.underLoad = await measureMigrationUnderLoad({ ctx: s.ctx, target: s.target, layout, quietSeconds: m.seconds, migrate });
  } catch (err) {
    m.underLoad = notMeasured(`the run under load failed: ${errorMessage(err).split('\n')[0]}`);
  }
  // Whatever happened under load, finish the migration: every unit back at the version the quiet
  // run reached (resumes from each unit's version table).
  const reached = applied.map((u) => u.versionAfter ?? 0);
  const versions = await mapLimited(units, m.parallel, (u) => readVersion(s.target, u));
  await mapLimited(units, m.parallel, async (u, i) => {
    const behind = reached[i]! - (versions[i]?.version ?? 0);
    return behind > 0 || versions[i] === null
      ? migrateUnit(s.target, u, { count: Math.max(1, behind), lockTimeoutMs: opts.lockTimeoutMs })
      : null;
  });
  const final = await mapLimited(units, m.parallel, (u) => readVersion(s.target, u));
  m.unitsAtTarget = final.filter((v) => v !== null && v.version >= m.targetVersion).length;
  if (m.unitsAtTarget < m.units) m.status = 'failed';
}

async function summarize(
  s: Pick<RunSession, 'target'>,
  units: number,
  perUnit: UnitOutcome[],
  seconds: number,
  parallel: number,
  sequential: LayoutMigration['sequential'],
  opts: MigrateOptions,
): Promise<LayoutMigration> {
  const names = migrationNames();
  const target = opts.count !== undefined ? Math.min(names.length, opts.count) : names.length;
  const maxLocks = await withAdmin(s.target, s.target.admin.database, async (c) =>
    Number((await c.query<{ v: string }>("SELECT current_setting('max_locks_per_transaction') AS v")).rows[0]!.v),
  );
  const errorsBySqlstate: Record<string, number> = {};
  for (const u of perUnit)
    if (u.status === 'failed') errorsBySqlstate[u.sqlstate ?? 'none'] = (errorsBySqlstate[u.sqlstate ?? 'none'] ?? 0) + 1;
  const locks = perUnit.map((u) => u.locksHeld).filter((n): n is number => n !== null);
  const failed = perUnit.filter((u) => u.status === 'failed').length;
  return {
    status: failed ? 'failed' : 'ok',
    tool: toolVersion(),
    migrations: names,
    targetVersion: target,
    parallel,
    indexConcurrently: true,
    units,
    unitsOk: units - failed,
    unitsFailed: failed,
    unitsAtTarget: perUnit.filter((u) => u.versionAfter !== null && u.versionAfter >= target).length,
    seconds,
    unitSeconds: spread(perUnit.map((u) => u.seconds)),
    sequential,
    maxLocksHeld: locks.length ? Math.max(...locks) : null,
    maxLocksPerTransaction: Number.isFinite(maxLocks) ? maxLocks : null,
    lockLimitErrors: errorsBySqlstate['53200'] ?? 0,
    errorsBySqlstate,
    oneTransactionLocks: null,
    perUnit,
    underLoad: notMeasured('workload runner not available'),
  };
}

/** Migrate every layout of the session; throws MigrationFailedError at the end if any unit failed. */
export async function migrateStage(s: RunSession, opts: MigrateOptions = {}): Promise<void> {
  const failures: string[] = [];
  for (const name of s.layouts) {
    const entry = s.summary.layouts[name]!;
    const m = await migrateLayout(s, name, opts);
    entry.migration = m;
    s.flush();
    for (const u of m.perUnit) if (u.status === 'failed') failures.push(`${name}/${u.unit}: ${u.error}`);
    if (m.status === 'failed' && !m.unitsFailed)
      failures.push(`${name}: ${m.units - m.unitsAtTarget} unit(s) not at version ${m.targetVersion} after the migration under load`);
    s.out(
      `${name}: migrated ${m.unitsOk}/${m.units} units to version ${m.targetVersion} in ${m.seconds.toFixed(2)} s (parallel ${m.parallel}${m.sequential ? `; one at a time: ${m.sequential.seconds.toFixed(2)} s` : ''})${m.maxLocksHeld !== null ? `, at most ${m.maxLocksHeld} locks held per unit` : ''}${
        m.oneTransactionLocks
          ? `; one transaction over every tenant table: ${m.oneTransactionLocks.status} (${m.oneTransactionLocks.locksHeld} locks, nominal capacity ${m.oneTransactionLocks.nominalCapacity})`
          : ''
      }${m.unitsFailed ? `, ${m.unitsFailed} failed` : ''}`,
    );
    const ul = m.underLoad;
    if (ul.status === 'measured') {
      const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));
      s.out(
        `${name}: under load (${ul.users} users): migration ${ul.migration.seconds.toFixed(2)} s (quiet ${ul.migration.quietSeconds.toFixed(2)} s, ${(ul.coveredFraction * 100).toFixed(0)}% inside the window); ` +
          `P99 ${f(ul.quiet.p99Ms)} ms quiet, ${f(ul.during.p99Ms)} ms during (${ul.during.count} requests); at most ${ul.lockWaits.maxWaiting} lock waiters, longest wait ${ul.lockWaits.longestWaitMs.toFixed(0)} ms`,
      );
    } else s.out(`${name}: under load: not measured (${ul.reason})`);
  }
  if (failures.length)
    throw new MigrationFailedError(`migration failed for ${failures.length} unit(s):\n  ${failures.slice(0, 10).join('\n  ')}`);
}
