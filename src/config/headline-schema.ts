import { z } from 'zod';
import type { Problem } from './problem.js';
import { QUERY_NAMES } from './query-names.js';
import { rateSweepProblem, rateSweepSchema, resolveRateSweep } from './rate-sweep-schema.js';
import type { ResolvedRateSweep } from './rate-sweep-schema.js';

/**
 * `headline:` in a scenario: the main table at equal offered load below every layout's capacity.
 * A coarse open-loop rate sweep of the tenant-facing mix (`workload.mix`) per layout (`calibrate`,
 * a rateSweep block) finds each capacity at its P99 target; the headline then drives every layout,
 * open loop, at `fractions` of the lowest capacity, with the `reports` queries beside it at a low
 * fixed rate (reported apart). Warm-up, window and repeats are the workload's.
 */
export const headlineSchema = z
  .object({
    /** The capacity search (a rateSweep block): coarse, doubling rates, one refinement. */
    calibrate: rateSweepSchema,
    /**
     * Headline rates as fractions of the lowest capacity, (0, 1), ascending. 25% and 50%: queueing
     * at 50% utilisation adds about one service time at the median (M/M/1), so both stay below the knee.
     */
    fractions: z
      .array(z.number().gt(0).lt(1))
      .min(1)
      .max(8)
      .default(() => [0.25, 0.5]),
    /**
     * Analytic queries run beside the headline at a fixed low rate in the same open-loop stream (a
     * sum of Poisson processes is one), reported apart. null = none.
     */
    reports: z
      .object({
        /** Query name -> relative weight among the reports. */
        mix: z.record(z.string(), z.number().min(0)).default(() => ({ 'order-search': 1, 'order-report': 1 })),
        /** Requests per second over all the reports: one every 2 s, next to hundreds per second of OLTP. */
        ratePerS: z.number().positive().max(10_000).default(0.5),
      })
      .strict()
      .nullable()
      .prefault({}),
    /**
     * pgbench on the same SQL at each headline rate, per layout, after that layout's measured windows
     * at that rate (never during them): `queries` of the tenant-facing mix, each at its own offered
     * rate in the headline (the other queries are not sent), the headline's connections, warm-up and
     * window, one repeat. A write is "not measured" with the reason. null = none (unless
     * workload.reference is pgbench: then every query of the mix).
     */
    reference: z
      .object({
        tool: z.literal('pgbench').default('pgbench'),
        queries: z
          .array(z.string())
          .min(1)
          .default(() => ['recent-orders']),
      })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

export type HeadlineFile = z.output<typeof headlineSchema>;
export type ResolvedHeadline = Readonly<Omit<HeadlineFile, 'calibrate'>> & { readonly calibrate: ResolvedRateSweep };

/** The first thing wrong with a headline block beyond its types, if any (paths from the scenario's root). */
export function headlineProblem(
  h: HeadlineFile,
  mix: Readonly<Record<string, number>> = {},
  names: readonly string[] = QUERY_NAMES,
): Problem | undefined {
  const p = rateSweepProblem(h.calibrate.rates);
  if (p) return { path: ['headline', 'calibrate', ...p.path.slice(1)], message: p.message };
  const i = h.fractions.findIndex((x, k) => k > 0 && x <= h.fractions[k - 1]!);
  if (i > 0)
    return {
      path: ['headline', 'fractions', i],
      message: `${h.fractions[i]} is not above the fraction before it; list them ascending, each once`,
    };
  for (const q of Object.keys(h.reports?.mix ?? {})) {
    if (!names.includes(q))
      return { path: ['headline', 'reports', 'mix', q], message: `unknown query "${q}"; allowed: ${names.join(', ')}` };
  }
  if (h.reports && !(Object.values(h.reports.mix).reduce((a, b) => a + b, 0) > 0))
    return { path: ['headline', 'reports', 'mix'], message: 'at least one report query needs a weight > 0' };
  for (const [i, q] of (h.reference?.queries ?? []).entries()) {
    const inMix = Object.keys(mix).filter((k) => (mix[k] ?? 0) > 0);
    if (!inMix.includes(q) || h.reference!.queries.indexOf(q) !== i)
      return {
        path: ['headline', 'reference', 'queries', i],
        message: `"${q}" is not ${inMix.includes(q) ? 'listed once' : 'a query of workload.mix with a weight > 0'}; allowed: ${inMix.join(', ')}`,
      };
  }
  return undefined;
}

export function resolveHeadline(h: HeadlineFile): ResolvedHeadline {
  return { ...h, calibrate: resolveRateSweep(h.calibrate) };
}
