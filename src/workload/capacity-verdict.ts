import type { ResolvedRateSweep } from '../config/rate-sweep-schema.js';
import type { CapacityResult, CapacityStep } from '../results/capacity-schema.js';

/** What judging a step needs from it (a subset of CapacityStep). */
export type StepFigures = Pick<CapacityStep, 'valid' | 'p99Ms' | 'offeredPerS' | 'achievedPerS' | 'dropped' | 'unfinished' | 'errors'> & {
  /** Requests scheduled in the measured window (the denominator of the error fraction). */
  offeredCount: number;
};

/**
 * Does a step meet the target? Only a valid step is judged (an invalid one says nothing about the
 * layout: `meets` null). It meets when its P99 is within the target, it completed at least
 * minAchievedFraction of what was offered, dropped and left unfinished nothing and failed at most
 * maxErrorFraction.
 */
export function judgeStep(
  f: StepFigures,
  sweep: Pick<ResolvedRateSweep, 'p99TargetMs' | 'minAchievedFraction' | 'maxErrorFraction'>,
  maxBacklog: number,
): { meets: boolean | null; misses: string[] } {
  if (!f.valid) return { meets: null, misses: [] };
  const misses: string[] = [];
  if (f.p99Ms === null) misses.push('no request completed');
  else if (f.p99Ms > sweep.p99TargetMs) misses.push(`P99 ${f.p99Ms.toFixed(1)} ms > ${sweep.p99TargetMs} ms`);
  if (f.offeredPerS !== null && f.offeredPerS > 0 && (f.achievedPerS ?? 0) < sweep.minAchievedFraction * f.offeredPerS) {
    misses.push(
      `achieved ${(f.achievedPerS ?? 0).toFixed(1)}/s < ${(sweep.minAchievedFraction * 100).toFixed(0)}% of offered ${f.offeredPerS.toFixed(1)}/s`,
    );
  }
  if (f.dropped > 0) misses.push(`${f.dropped} dropped (backlog of ${maxBacklog} full)`);
  if (f.unfinished > 0) misses.push(`${f.unfinished} requests still unfinished after the window's drain`);
  const errors = Object.values(f.errors).reduce((a, b) => a + b, 0);
  if (errors > sweep.maxErrorFraction * Math.max(1, f.offeredCount)) {
    misses.push(
      `${errors} errors (${((errors / Math.max(1, f.offeredCount)) * 100).toFixed(2)}% > ${(sweep.maxErrorFraction * 100).toFixed(2)}%)`,
    );
  }
  return { meets: misses.length === 0, misses };
}

const rate = (x: number) => `${x.toLocaleString('en-US', { maximumFractionDigits: 2 })} req/s`;

/**
 * A layout's capacity from its judged steps (any order): the highest rate that met the target
 * below the lowest rate that missed it. Only valid steps count. Never a number that was not
 * measured: when nothing missed it is a lower bound ("≥"), when the lowest rate missed an upper
 * bound ("below"), when no step was valid nothing.
 */
export function capacityOf(
  steps: readonly (Pick<CapacityStep, 'ratePerS' | 'meets' | 'invalidReasons'> & { generatorLimited?: boolean | undefined })[],
): CapacityResult {
  const judged = steps.filter((s) => s.meets !== null);
  const invalid = steps.filter((s) => s.meets === null);
  if (!judged.length) {
    const why = invalid.length ? `no valid step (${invalid[0]!.invalidReasons.join('; ') || 'invalid'})` : 'no step ran';
    return { kind: 'not-measured', ratePerS: null, firstMissPerS: null, label: `not measured: ${why}`, reason: why };
  }
  const missRates = judged.filter((s) => !s.meets).map((s) => s.ratePerS);
  const firstMiss = missRates.length ? Math.min(...missRates) : null;
  const passes = judged.filter((s) => s.meets && (firstMiss === null || s.ratePerS < firstMiss)).map((s) => s.ratePerS);
  const best = passes.length ? Math.max(...passes) : null;
  if (firstMiss === null) {
    const above = invalid.filter((s) => s.ratePerS > best!);
    const reason = above.length
      ? `${rate(Math.min(...above.map((s) => s.ratePerS)))} could not be measured validly (${above[0]!.invalidReasons[0] ?? 'invalid'}), so nothing above ${rate(best!)} was`
      : `every rate tried met the target; the sweep ended at ${rate(best!)}`;
    // The generator, not the layout, stopped the sweep: the layout's capacity is at least this.
    const limited = above.some((s) => s.generatorLimited === true);
    return {
      kind: 'at-least',
      ratePerS: best,
      firstMissPerS: null,
      label: `≥ ${rate(best!)}${limited ? ' (generator-limited)' : ''}`,
      reason,
    };
  }
  if (best === null) {
    return {
      kind: 'below',
      ratePerS: firstMiss,
      firstMissPerS: firstMiss,
      label: `below ${rate(firstMiss)}`,
      reason: `the lowest rate tried, ${rate(firstMiss)}, already missed the target`,
    };
  }
  return { kind: 'measured', ratePerS: best, firstMissPerS: firstMiss, label: rate(best), reason: null };
}

/** The next bisection rate between a pass and a miss, or null when they are within 5% (Poisson noise at these windows). */
export function bisect(lo: number, hi: number): number | null {
  if (hi - lo <= lo * 0.05) return null;
  const mid = (lo + hi) / 2;
  const r = mid >= 10 ? Math.round(mid) : Number(mid.toPrecision(4));
  return r > lo && r < hi ? r : null;
}
