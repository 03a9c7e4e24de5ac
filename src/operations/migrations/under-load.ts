/**
 * Migration under load: with the layout back at its pre-migration version (down migrations), a
 * quiet workload segment, then the same segment again with the migrations re-applied from the
 * start of its measured window. Requests that overlapped the migration are tapped from the
 * recorder; pg_stat_activity is sampled for lock waiters while the migration runs.
 */
import { performance } from 'node:perf_hooks';
import createDebug from 'debug';
import { connect } from '../../db/client.js';
import type { LayoutName } from '../../config/scenario-schema.js';
import { errorMessage } from '../../errors.js';
import type { LayoutContext } from '../../layouts/layout.js';
import type { MigrationUnderLoad } from '../../results/migration-schema.js';
import type { Target } from '../../target/target.js';
import { serversOf } from '../../target/placed-target.js';
import { measureSegment } from '../../workload/measure-segment.js';
import type { SegmentResult } from '../../workload/measure-segment.js';
import { summarizeLayout } from '../../workload/summarize-workload.js';
import type { QueryRecord, WorkloadRecorder } from '../../workload/workload-recorder.js';
import { DEADLOCK } from './deadlock-retry.js';
import type { UnitOutcome } from './migration-runner.js';

const debug = createDebug('tenantbench:migrate');

export const LOCK_SAMPLE_INTERVAL_MS = 50;

export interface LockWaits {
  intervalMs: number;
  samples: number;
  samplesWithWaiters: number;
  maxWaiting: number;
  longestWaitMs: number;
}

/**
 * Sample pg_stat_activity every intervalMs on its own connection until stop() is called. With
 * several servers (placement) each server is sampled on its own connection; the figures are the
 * largest over the servers (samples are not synchronised across servers, so waiters are not summed).
 */
export async function startLockSampler(
  target: Target,
  serverVersionNum: number,
  intervalMs = LOCK_SAMPLE_INTERVAL_MS,
): Promise<{ stop: () => Promise<LockWaits> }> {
  const servers = serversOf(target);
  if (servers.length === 1) return startServerLockSampler(target, serverVersionNum, intervalMs);
  const samplers = await Promise.all(servers.map((s) => startServerLockSampler(s, serverVersionNum, intervalMs)));
  return {
    stop: async () => {
      const r = await Promise.all(samplers.map((x) => x.stop()));
      const max = (k: keyof LockWaits) => Math.max(...r.map((x) => x[k]));
      return {
        intervalMs,
        samples: max('samples'),
        samplesWithWaiters: max('samplesWithWaiters'),
        maxWaiting: max('maxWaiting'),
        longestWaitMs: max('longestWaitMs'),
      };
    },
  };
}

async function startServerLockSampler(
  target: Target,
  serverVersionNum: number,
  intervalMs: number,
): Promise<{ stop: () => Promise<LockWaits> }> {
  const c = await connect(target.config(target.admin.database));
  // pg_locks.waitstart exists from PostgreSQL 14; before it, the waiting statement's age is the bound.
  const longest =
    serverVersionNum >= 140000
      ? `(SELECT coalesce(max(extract(epoch FROM clock_timestamp() - l.waitstart)) * 1000, 0) FROM pg_locks l WHERE NOT l.granted AND l.waitstart IS NOT NULL)`
      : `(SELECT coalesce(max(extract(epoch FROM clock_timestamp() - a.query_start)) * 1000, 0) FROM pg_stat_activity a WHERE a.wait_event_type = 'Lock')`;
  const sql = `SELECT (SELECT count(*)::int FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()) AS waiting, ${longest}::float8 AS longest_ms`;
  const out: LockWaits = { intervalMs, samples: 0, samplesWithWaiters: 0, maxWaiting: 0, longestWaitMs: 0 };
  let busy: Promise<void> | null = null;
  const sample = () => {
    if (busy) return; // the previous sample is still running: skip, never queue
    busy = c
      .query<{ waiting: number; longest_ms: number | null }>(sql)
      .then((r) => {
        const row = r.rows[0]!;
        out.samples++;
        if (row.waiting > 0) out.samplesWithWaiters++;
        out.maxWaiting = Math.max(out.maxWaiting, row.waiting);
        out.longestWaitMs = Math.max(out.longestWaitMs, Number(row.longest_ms ?? 0));
      })
      .catch((err) => debug('lock sample: %s', errorMessage(err)))
      .finally(() => {
        busy = null;
      });
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await busy;
      if (out.samples === 0) {
        sample();
        await busy;
      }
      await c.end().catch(() => {});
      return out;
    },
  };
}

function bySqlstate(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m.entries()].sort());
}

function latencyOf(r: QueryRecord, seconds: number, errors: Map<string, number>) {
  return {
    count: r.ok,
    p50Ms: r.response.percentileMs(50),
    p99Ms: r.response.percentileMs(99),
    maxMs: r.response.count ? r.response.maxMs() : null,
    throughputPerS: seconds > 0 ? r.ok / seconds : null,
    errorsBySqlstate: bySqlstate(errors),
  };
}

export interface UnderLoadInput {
  ctx: LayoutContext;
  target: Target;
  layout: LayoutName;
  /** Wall clock of the same migrations without load. */
  quietSeconds: number;
  /** Re-applies the migrations (the layout is at its pre-migration version when called). */
  migrate: () => Promise<UnitOutcome[]>;
}

/** Quiet segment, then the segment with the migration; the caller has undone the migrations. */
export async function measureMigrationUnderLoad(o: UnderLoadInput): Promise<MigrationUnderLoad> {
  const base = o.ctx.scenario.workload;
  // The window covers the migration with room to spare (under load it took up to 3x the quiet time
  // on a busy 2-core machine; coveredFraction says when it still did not fit); the quiet
  // segment uses the same window so the two are comparable.
  const windowSeconds = Math.max(base.durationSeconds, Math.ceil((o.quietSeconds * 4 + 1) * 10) / 10);
  const w = { ...base, durationSeconds: windowSeconds };
  const quiet = await measureSegment({ ctx: o.ctx, layout: o.layout, workload: w, repeat: 0 });

  let migration: Promise<{ perUnit: UnitOutcome[]; start: number; end: number; lockWaits: LockWaits }> | null = null;
  let windowStart = 0;
  let loaded: SegmentResult;
  try {
    loaded = await measureSegment({
      ctx: o.ctx,
      layout: o.layout,
      workload: w,
      repeat: 0,
      onMeasureStart: (recorder: WorkloadRecorder) => {
        windowStart = performance.now();
        recorder.startTap(windowStart);
        migration = (async () => {
          const sampler = await startLockSampler(o.target, o.ctx.serverVersionNum);
          const start = performance.now();
          let perUnit: UnitOutcome[];
          try {
            perUnit = await o.migrate();
          } finally {
            recorder.endTapInterval(performance.now());
          }
          const end = performance.now();
          return { perUnit, start, end, lockWaits: await sampler.stop() };
        })();
        // Reported after the segment; never an unhandled rejection meanwhile.
        migration.catch(() => {});
      },
    });
  } catch (err) {
    // The migration must not be left running behind the caller's back.
    await (migration as Promise<unknown> | null)?.catch(() => {});
    throw err;
  }
  if (!migration) throw new Error('the measured window never began');
  const mig = await (migration as Promise<{ perUnit: UnitOutcome[]; start: number; end: number; lockWaits: LockWaits }>);
  const tap = loaded.recorder.stopTap()!;
  const windowEnd = windowStart + loaded.drive.measuredSeconds * 1000;
  const migSeconds = (mig.end - mig.start) / 1000;
  const overlapMs = Math.max(0, Math.min(windowEnd, mig.end) - Math.max(windowStart, mig.start));
  const migErrors: Record<string, number> = {};
  for (const u of mig.perUnit) {
    if (u.status === 'failed') migErrors[u.sqlstate ?? 'none'] = (migErrors[u.sqlstate ?? 'none'] ?? 0) + 1;
    // A deadlock the unit lost and then retried is still an error the migration met under load.
    if (u.deadlockRetries) migErrors[DEADLOCK] = (migErrors[DEADLOCK] ?? 0) + u.deadlockRetries;
  }
  const failed = mig.perUnit.filter((u) => u.status === 'failed').length;

  const quietAll = summarizeLayout(w, [quiet]).all!;
  const quietErrors = new Map(Object.entries(quietAll.errors));
  const q = {
    count: quietAll.count,
    p50Ms: quietAll.p50Ms,
    p99Ms: quietAll.p99Ms,
    maxMs: quietAll.maxMs,
    throughputPerS: quietAll.throughputPerS,
    errorsBySqlstate: bySqlstate(quietErrors),
  };
  const during = { ...latencyOf(tap.record, overlapMs / 1000, tap.errors), completedInside: tap.completedInside };
  const invalidReasons = [...quiet.invalidReasons.map((r) => `quiet: ${r}`), ...loaded.invalidReasons.map((r) => `under load: ${r}`)];
  return {
    status: 'measured',
    mode: w.mode,
    users: w.users,
    windowSeconds,
    migration: {
      seconds: migSeconds,
      quietSeconds: o.quietSeconds,
      units: mig.perUnit.length,
      unitsOk: mig.perUnit.length - failed,
      unitsFailed: failed,
      errorsBySqlstate: migErrors,
      startOffsetSeconds: (mig.start - windowStart) / 1000,
      endOffsetSeconds: (mig.end - windowStart) / 1000,
    },
    coveredFraction: mig.end > mig.start ? Math.min(1, overlapMs / (mig.end - mig.start)) : 1,
    quiet: q,
    during,
    p99Ratio: q.p99Ms && during.p99Ms !== null ? during.p99Ms / q.p99Ms : null,
    lockWaits: mig.lockWaits,
    valid: invalidReasons.length === 0,
    invalidReasons,
  };
}
