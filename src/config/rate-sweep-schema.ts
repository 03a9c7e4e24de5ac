import { z } from 'zod';

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
     * `max`, multiplied by `factor` (geometric) or increased by `step` (linear) each time.
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
      .optional(),
    /** A step meets the target when its P99 (all queries, from the intended start) is at most this, ms. */
    p99TargetMs: z.number().positive().max(600_000).optional(),
    /** Measured seconds per step. */
    stepSeconds: z.number().positive().max(3600).optional(),
    /** Warm-up seconds before each step's window (not recorded; a fresh router per step). */
    warmupSeconds: z.number().min(0).max(3600).optional(),
    /** A step meets the target only if completed requests / offered ones is at least this, (0, 1]. */
    minAchievedFraction: z.number().gt(0).max(1).optional(),
    /** A step meets the target only if failed requests / offered ones is at most this, [0, 1). */
    maxErrorFraction: z.number().min(0).lt(1).optional(),
    /** A layout's sweep ends after this many missed steps (1 = at the first miss). */
    stopAfterMisses: z.number().int().positive().max(64).optional(),
    /** Bisection steps between the last passing rate and the first missed one (0 = none). */
    refine: z.number().int().min(0).max(10).optional(),
  })
  .strict();

export type RateSweepFile = z.infer<typeof rateSweepSchema>;

/** The sweep after validation and defaults: the rates expanded into a list. */
export interface ResolvedRateSweep {
  readonly rates: readonly number[];
  readonly p99TargetMs: number;
  readonly stepSeconds: number;
  readonly warmupSeconds: number;
  readonly minAchievedFraction: number;
  readonly maxErrorFraction: number;
  readonly stopAfterMisses: number;
  readonly refine: number;
}

/** Most steps a series may expand to: a sweep of more steps is a typo (factor 1.001), not a plan. */
export const MAX_SWEEP_STEPS = 64;

/**
 * Expand and check the rates (ascending, at most MAX_SWEEP_STEPS); `fail` throws a UsageError
 * naming the field. `defaults` is scenarioDefaults.rateSweep.
 */
export function resolveRateSweep(
  r: RateSweepFile,
  defaults: Omit<ResolvedRateSweep, 'rates'> & { rates: RateSweepFile['rates'] },
  fail: (field: string, msg: string) => never,
): ResolvedRateSweep {
  const spec = r.rates ?? defaults.rates!;
  let rates: number[];
  if (Array.isArray(spec)) {
    rates = [...spec];
    const i = rates.findIndex((x, k) => k > 0 && x <= rates[k - 1]!);
    if (i > 0)
      fail(
        `rateSweep.rates.${i}`,
        `${rates[i]} is not above the rate before it (${rates[i - 1]}); list the rates in ascending order, each once`,
      );
  } else {
    if ((spec.factor === undefined) === (spec.step === undefined))
      fail('rateSweep.rates', 'a series needs exactly one of factor (geometric: rate x factor) or step (linear: rate + step)');
    if (spec.max < spec.start) fail('rateSweep.rates.max', `${spec.max} is below start (${spec.start})`);
    rates = [];
    for (let x = spec.start; x <= spec.max * (1 + 1e-9); x = spec.factor !== undefined ? x * spec.factor : x + spec.step!) {
      // Whole requests per second above 10/s keep the labels readable (100, 200, 400, not 400.00000001).
      const rounded = x >= 10 ? Math.round(x) : Number(x.toPrecision(6));
      if (rounded !== rates.at(-1)) rates.push(rounded);
      if (rates.length > MAX_SWEEP_STEPS) {
        const f = spec.factor !== undefined ? 'factor' : 'step';
        fail(
          `rateSweep.rates.${f}`,
          `from ${spec.start} to ${spec.max} makes more than ${MAX_SWEEP_STEPS} steps; use a larger ${f} or a smaller max`,
        );
      }
    }
  }
  // Strict parsing leaves a field not given absent (never undefined), so the file's fields spread over the defaults.
  const { rates: _spec, ...given } = r;
  const { rates: _defaultSpec, ...base } = defaults;
  return { ...base, ...given, rates };
}
