import type { ResolvedScenario } from '../config/load-scenario.js';
import { errorMessage } from '../errors.js';
import { settleLayouts } from '../measure/settle-databases.js';
import { stopwatch } from '../measure/timer.js';
import type { HeadlineSummary } from '../results/headline-schema.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { ResolvedWorkload } from '../config/load-scenario.js';
import type { WorkloadSummary } from '../results/workload-schema.js';
import { combinedMix, headlineRates } from './headline-rates.js';
import { headlineReference } from './headline-reference.js';
import type { HeadlineReference } from './headline-reference.js';
import { rateSweepStage } from './rate-sweep-stage.js';
import type { RunSession } from './run-session.js';
import { runStage } from './run-stage.js';

/** The same session working from another resolved scenario (the calibration's sweep, a headline rate's workload). */
function withScenario(s: RunSession, scenario: ResolvedScenario): RunSession {
  return { ...s, scenario };
}

/**
 * The headline (`headline:` in the scenario): equal offered load below every layout's capacity.
 * 1. Calibration: the rate sweep (rate-sweep-stage.ts) of the tenant-facing mix with
 *    `headline.calibrate`, every layout: summary.capacity, the main table's capacity column.
 * 2. The rates: `fractions` of the lowest capacity (headline-rates.ts).
 * 3. Per rate, the workload stage (run-stage.ts) in open loop at that rate, the reports beside it
 *    at their fixed rate in the same stream, repeats interleaved as usual: summary.headline.rates[i]
 *    (summary.workload and the workload CSVs keep the last, highest rate).
 * 4. With headline.reference (or workload.reference pgbench), each layout's last window at a rate is
 *    followed by pgbench on the reference queries at their rate in that stream (headline-reference.ts):
 *    summary.headline.rates[i].workload.layouts.<layout>.reference.
 * A calibration that fails in some layouts still sets the rates from the others (and the stage then
 * fails at the end); no measured capacity at all fails the stage.
 */
export async function headlineStage(s: RunSession): Promise<void> {
  const h = s.scenario.headline;
  if (!h) return;
  const w = s.scenario.workload;
  const hs: HeadlineSummary = {
    status: 'not-run',
    reason: 'calibrating',
    fractions: [...h.fractions],
    p99TargetMs: h.calibrate.p99TargetMs,
    oltpQueries: Object.keys(w.mix).filter((q) => (w.mix[q] ?? 0) > 0),
    reportQueries: Object.keys(h.reports?.mix ?? {}).filter((q) => (h.reports?.mix[q] ?? 0) > 0),
    lowest: null,
    rates: [],
  };
  s.summary.headline = hs;
  hs.settle = await settle(s);
  s.out(
    `headline: calibration (open-loop rate sweep of ${hs.oltpQueries.join(', ')}), then ${h.fractions.map((f) => `${f * 100}%`).join(' and ')} of the lowest capacity`,
  );
  let calibrationError: unknown = null;
  try {
    await rateSweepStage(withScenario(s, { ...s.scenario, rateSweep: h.calibrate }));
  } catch (err) {
    calibrationError = err;
  }
  const { lowest, rates, unmeasured } = headlineRates(s.summary.capacity, h.fractions);
  hs.lowest = lowest;
  if (!lowest) {
    hs.reason = `no layout's capacity was measured${calibrationError ? ` (${errorMessage(calibrationError)})` : ''}`;
    s.flush();
    throw calibrationError ?? new Error(`headline: ${hs.reason}`);
  }
  s.out(
    `headline: lowest capacity ${lowest.ratePerS}/s (${lowest.layout}, ${lowest.kind}); rates ${rates.join(', ')}/s` +
      (h.reports ? ` + ${h.reports.ratePerS}/s of ${hs.reportQueries.join(', ')} beside` : '') +
      (unmeasured.length ? `; capacity not measured in ${unmeasured.join(', ')}` : ''),
  );
  hs.status = 'ok';
  hs.reason = unmeasured.length ? `capacity not measured in ${unmeasured.join(', ')}: left out of the lowest` : null;
  const reference = headlineReference(s, hs.oltpQueries, rates.length);
  try {
    for (const [i, ratePerS] of rates.entries()) {
      const { mix, totalPerS } = combinedMix(w.mix, ratePerS, h.reports);
      const workload = { ...w, mode: 'open' as const, ratePerS: totalPerS, mix, noisyNeighbour: null, http: null };
      s.out(`headline ${i + 1}/${rates.length}: ${ratePerS}/s (${h.fractions[i]! * 100}% of ${lowest.ratePerS}/s)`);
      await headlineRate(s, hs, { i, ratePerS, workload, reference });
    }
  } finally {
    reference?.dispose();
  }
  if (calibrationError) throw calibrationError;
}

/**
 * VACUUM (ANALYZE) then CHECKPOINT every layout's databases before the first window
 * (measure/settle-databases.ts): the seed's pending work otherwise lands on whichever windows run
 * then. A failure is recorded (null) and the headline goes on.
 */
async function settle(s: RunSession): Promise<HeadlineSummary['settle']> {
  const t = stopwatch();
  const layouts = s.layouts.filter((l) => s.summary.layouts[l]?.status === 'ok');
  try {
    const warning = await settleLayouts(s, layouts, 'headline');
    return { seconds: t.seconds(), warning };
  } catch (err) {
    s.out(`warning: headline: settling the databases failed (${errorMessage(err)}); the seed's pending work may land on the first windows`);
    return null;
  }
}

/** One headline rate: every layout's windows, each followed by its pgbench reference when configured. */
async function headlineRate(
  s: RunSession,
  hs: HeadlineSummary,
  o: { i: number; ratePerS: number; workload: ResolvedWorkload; reference: HeadlineReference | null },
): Promise<void> {
  const h = s.scenario.headline!;
  const { i, ratePerS, workload, reference } = o;
  const afterLastRepeat = reference ? (layout: LayoutName, ws: WorkloadSummary) => reference.run(layout, workload, ws) : undefined;
  try {
    await runStage(withScenario(s, { ...s.scenario, workload }), afterLastRepeat ? { afterLastRepeat } : {});
  } catch (err) {
    hs.status = 'failed';
    hs.reason = `at ${ratePerS}/s: ${errorMessage(err)}`;
    throw err;
  } finally {
    if (s.summary.workload)
      hs.rates.push({ fraction: h.fractions[i]!, ratePerS, reportsPerS: h.reports?.ratePerS ?? 0, workload: s.summary.workload });
    s.flush();
  }
}
