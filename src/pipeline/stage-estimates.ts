/**
 * Seconds each stage of `all` is expected to take, for the ETA of the whole run and the time budget
 * of the README. Per-million-row rates come from the example run (reports/example/, 100 tenants, 10M
 * rows, 2 cores, PostgreSQL 15, the benchmark settings of src/target/): estimates, not measurements;
 * the run records what each stage really took (summary.stages).
 */
import type { ResolvedScenario } from '../config/load-scenario.js';

/** Seconds per million rows per layout, from the example run's stage figures. */
const PER_MROWS = {
  /** generator-copy: provision + load + index + analyze (83-121 s at 10M) + server checksum (8-20 s). */
  seed: 11.5,
  /** rls as a template copy of shared: 12 s copy + 13 s checksum at 10M. */
  seedTemplate: 2.6,
  /** node-pg-migrate, five migrations, parallel 2 (40-49 s at 10M). */
  migrate: 4.5,
  /** one unit at a time (0 for single-unit layouts, 42-85 s at 10M for the others) + the down migrations before the parallel pass (~40 s). */
  migrateSequential: 8,
  /** down migrations, then a quiet and a loaded window each of 4x the quiet migration (162-198 s windows at 10M) + warm-ups. */
  migrateUnderLoad: 42,
  /** pg_dump of every database the layout owns (-Fc 27-72 s at 10M, mean 39 s; -Fd -j 2 24-62 s). */
  fullDump: 3.9,
  /** pg_restore into fresh databases, keys, indexes and foreign keys rebuilt (-Fc 65-112 s at 10M, mean 93 s). */
  fullRestore: 9.3,
  /** Checksums of source and copy, one after the other in the example (~2 x 14 s at 10M); now at once. */
  restoreChecksums: 2.8,
};

/**
 * pg_restore -j 2 --section=pre-data --section=data (the headline's data-only verification) as a
 * share of a complete pg_restore of the same -Fc dump: 0.42 (shared, 18.6 s vs 44.0 s) and 0.52
 * (schema, 58.6 s vs 113.3 s), measured at 1M rows on the shared 2-core machine (load ~20), two
 * runs back to back; rounded up.
 */
const DATA_ONLY_SHARE = 0.5;
/** Source and copy checksummed at once (two backends, 2 cores): assumed a bit more than half of the two one after the other. */
const PARALLEL_CHECKSUM_SHARE = 0.6;

/** Per-step overhead of a measured segment beyond warm-up + window: router open/close, cleanup of written rows, s. */
const SEGMENT_OVERHEAD_S = 2;
/** A single-tenant backup + restore + checksum per method (0.4-3 s in the example), s. */
const TENANT_BACKUP_S = 3;

export function estimateStageSeconds(id: string, sc: ResolvedScenario): number {
  const m = sc.rows / 1e6;
  const n = sc.layouts.length;
  const w = sc.workload;
  const full = sc.operations === 'full';
  switch (id) {
    case 'seed': {
      const template = sc.seeding.templateCopy && sc.layouts.includes('shared') && sc.layouts.includes('rls') ? 1 : 0;
      return m * (PER_MROWS.seed * (n - template) + PER_MROWS.seedTemplate * template);
    }
    case 'run':
      return w.repeats * n * (w.warmupSeconds + w.durationSeconds + SEGMENT_OVERHEAD_S);
    case 'rate-sweep':
      return sc.rateSweep ? sweepSeconds(sc.rateSweep, n) : 0;
    case 'headline': {
      const h = sc.headline;
      if (!h) return 0;
      const segments = h.fractions.length * w.repeats * n;
      // pgbench after each layout's windows at each rate: one warm-up + window, plus its start (~3 s).
      const reference = h.reference ? h.fractions.length * n * (w.warmupSeconds + w.durationSeconds + 3) : 0;
      return (
        sweepSeconds(h.calibrate, n) + segments * (w.warmupSeconds + w.durationSeconds + SEGMENT_OVERHEAD_S + warmUpSeconds(sc)) + reference
      );
    }
    case 'policy-forms': {
      const f = sc.policyForms?.forms.length ?? 0;
      // Per form: its windows, plus applying it and (once) a checksum of the rls tables (~1.3 s per million rows).
      return f * (w.repeats * (w.warmupSeconds + w.durationSeconds + SEGMENT_OVERHEAD_S) + 1.3 * m);
    }
    case 'verify':
      return 10 * n;
    case 'migrate':
      return m * n * PER_MROWS.migrate + (full ? m * n * (PER_MROWS.migrateSequential + PER_MROWS.migrateUnderLoad) : 0);
    case 'backup': {
      const checksums = PER_MROWS.restoreChecksums * PARALLEL_CHECKSUM_SHARE;
      // operations: headline: -Fc only, restored without keys and indexes; full: -Fc and -Fd, complete restores.
      const perLayout = full
        ? 2 * (PER_MROWS.fullDump + PER_MROWS.fullRestore + checksums)
        : PER_MROWS.fullDump + PER_MROWS.fullRestore * DATA_ONLY_SHARE + checksums;
      return m * n * perLayout + n * TENANT_BACKUP_S * (full ? 2 : 1);
    }
    case 'sizes':
      return full ? 10 * n : 3 * n;
    case 'connections':
      return n;
    case 'extraction':
      return 17 * 3;
    default:
      return 0;
  }
}

/**
 * The warm-up until the hit ratio is stable (workload.warmUntilStable) before each measured segment:
 * at least two windows (stability needs two in a row), each with its own router and cleanup; assume
 * two, the usual case when the working set fits (a run that does not stabilise takes up to maxWindows).
 */
function warmUpSeconds(sc: ResolvedScenario): number {
  const u = sc.workload.warmUntilStable;
  return u ? Math.min(2, u.maxWindows) * (u.windowSeconds + SEGMENT_OVERHEAD_S) : 0;
}

/** A sweep ends at its first miss near the knee: assume 4 steps of the list (or fewer) plus the refinements. */
function sweepSeconds(
  r: { rates: readonly number[]; refine: number; warmupSeconds: number; stepSeconds: number },
  layouts: number,
): number {
  const steps = Math.min(r.rates.length, 4) + r.refine;
  return layouts * steps * (r.warmupSeconds + r.stepSeconds + SEGMENT_OVERHEAD_S);
}
