import { z } from 'zod';
import type { Problem } from './problem.js';

/**
 * `rateSweep:` in a scenario: open-loop segments at increasing offered rates, per layout, to find
 * the highest rate that still meets a P99 target (one comparable capacity number per layout). The
 * requests are the scenario's `workload` (mix, users = connections, arrival, tenant choice, lateMs,
 * maxBacklog, maxEventLoopLagMs); only the rate, warm-up and window come from here.
 */
const rateSchema = z.number().positive().max(1_000_000);

export const rateSweepSchema = z
  .object({
    /**
     * The offered rates, requests per second: a list (ascending), or a series from `start` up to
     * `max`, multiplied by `factor` (geometric) or increased by `step` (linear) each time. Default:
     * doubling from 100/s, so each step's load is known within a factor of 2; `refine` narrows it.
     */
    rates: z
      .union(
        [
          z.array(rateSchema).min(1).max(64),
          z
            .object({
              start: rateSchema,
              factor: z.number().gt(1).max(100).optional(),
              step: z.number().positive().max(1_000_000).optional(),
              max: rateSchema,
            })
            .strict(),
        ],
        { error: 'expected a list of rates (e.g. [100, 200, 400]) or a series {start, factor or step, max}' },
      )
      .default(() => ({ start: 100, factor: 2, max: 102_400 })),
    /**
     * A step meets the target when its P99 (all queries, from the intended start) is at most this, ms.
     * 50 ms: an interactive budget, a page that waits 50 ms on its query at P99 is already sluggish.
     */
    p99TargetMs: z.number().positive().max(600_000).default(50),
    /** Measured seconds per step. */
    stepSeconds: z.number().positive().max(3600).default(10),
    /** Warm-up seconds before each step's window (not recorded; a fresh router per step). */
    warmupSeconds: z.number().min(0).max(3600).default(3),
    /**
     * A step meets the target only if completed requests / offered ones is at least this, (0, 1].
     * 5% slack: Poisson arrivals over a 10 s window vary by about 1% at 1000/s; more than 5% short is a backlog.
     */
    minAchievedFraction: z.number().gt(0).max(1).default(0.95),
    /**
     * A step meets the target only if failed requests / offered ones is at most this, [0, 1).
     * One failed request in a thousand; any dropped request misses regardless.
     */
    maxErrorFraction: z.number().min(0).lt(1).default(0.001),
    /** A layout's sweep ends after this many missed steps (1 = at the first miss). */
    stopAfterMisses: z.number().int().positive().max(64).default(1),
    /** Bisection steps between the last passing rate and the first missed one (0 = none). */
    refine: z.number().int().min(0).max(10).default(0),
  })
  .strict();

export type RateSweepFile = z.output<typeof rateSweepSchema>;
type RatesSpec = RateSweepFile['rates'];

/** The sweep after validation and defaults: the rates expanded into a list (the other fields as parsed). */
export type ResolvedRateSweep = Readonly<Omit<RateSweepFile, 'rates'>> & { readonly rates: readonly number[] };

/** Most steps a series may expand to: a sweep of more steps is a typo (factor 1.001), not a plan. */
export const MAX_SWEEP_STEPS = 64;

/** The first thing wrong with the rates beyond their types (order, series bounds, step count), if any. */
export function rateSweepProblem(spec: RatesSpec): Problem | undefined {
  const rates = expand(spec);
  return 'path' in rates ? rates : undefined;
}

/** The sweep with its rates expanded into a list; the rates must have passed rateSweepProblem. */
export function resolveRateSweep(r: RateSweepFile): ResolvedRateSweep {
  const { rates: spec, ...rest } = r;
  const rates = expand(spec);
  if (!Array.isArray(rates)) throw new Error(`unchecked rate sweep: ${JSON.stringify(spec)}`);
  return { ...rest, rates };
}

function expand(spec: RatesSpec): number[] | Problem {
  const at = (...path: (string | number)[]) => ['rateSweep', 'rates', ...path];
  if (Array.isArray(spec)) {
    const rates = [...spec];
    const i = rates.findIndex((x, k) => k > 0 && x <= rates[k - 1]!);
    if (i > 0)
      return {
        path: at(i),
        message: `${rates[i]} is not above the rate before it (${rates[i - 1]}); list the rates in ascending order, each once`,
      };
    return rates;
  }
  if ((spec.factor === undefined) === (spec.step === undefined))
    return { path: at(), message: 'a series needs exactly one of factor (geometric: rate x factor) or step (linear: rate + step)' };
  if (spec.max < spec.start) return { path: at('max'), message: `${spec.max} is below start (${spec.start})` };
  const rates: number[] = [];
  for (let x = spec.start; x <= spec.max * (1 + 1e-9); x = spec.factor !== undefined ? x * spec.factor : x + spec.step!) {
    // Whole requests per second above 10/s keep the labels readable (100, 200, 400, not 400.00000001).
    const rounded = x >= 10 ? Math.round(x) : Number(x.toPrecision(6));
    if (rounded !== rates.at(-1)) rates.push(rounded);
    if (rates.length > MAX_SWEEP_STEPS) {
      const f = spec.factor !== undefined ? 'factor' : 'step';
      return {
        path: at(f),
        message: `from ${spec.start} to ${spec.max} makes more than ${MAX_SWEEP_STEPS} steps; use a larger ${f} or a smaller max`,
      };
    }
  }
  return rates;
}
