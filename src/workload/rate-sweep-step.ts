import type { ResolvedWorkload } from '../config/load-scenario.js';
import type { ResolvedRateSweep } from '../config/rate-sweep-schema.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { LayoutContext } from '../layouts/layout.js';
import type { CapacityStep } from '../results/capacity-schema.js';
import { judgeStep } from './capacity-verdict.js';
import { measureSegment } from './measure-segment.js';
import type { SegmentResult } from './measure-segment.js';
import { QueryRecord } from './workload-recorder.js';

/**
 * The scenario's workload as one open-loop step of a sweep: its mix, connections, arrivals, tenant
 * choice and limits, at `ratePerS`, with the sweep's warm-up and window; no noisy neighbour, HTTP
 * level or leak probes (they would load the server on top of the offered rate).
 */
export function stepWorkload(w: ResolvedWorkload, sweep: ResolvedRateSweep, ratePerS: number): ResolvedWorkload {
  return {
    ...w,
    mode: 'open',
    ratePerS,
    warmupSeconds: sweep.warmupSeconds,
    durationSeconds: sweep.stepSeconds,
    repeats: 1,
    noisyNeighbour: null,
    http: null,
    leakProbes: { ...w.leakProbes, enabled: false },
  };
}

export interface StepOptions {
  ctx: LayoutContext;
  layout: LayoutName;
  workload: ResolvedWorkload;
  sweep: ResolvedRateSweep;
  ratePerS: number;
  round: number;
  phase: CapacityStep['phase'];
}

/**
 * One step: a fresh router, warm-up, then `stepSeconds` of open-loop arrivals at the rate, through
 * the same segment runner as `run` (so the same intended-start latencies, late and dropped counts
 * and event-loop validity). Every layout of a round gets the same request stream (seeded by the round).
 */
export async function measureStep(o: StepOptions): Promise<{ step: CapacityStep; segment: SegmentResult }> {
  const w = stepWorkload(o.workload, o.sweep, o.ratePerS);
  const seg = await measureSegment({ ctx: o.ctx, layout: o.layout, workload: w, repeat: o.round });
  return { step: stepOf(seg, o, w), segment: seg };
}

/**
 * A segment's figures as a sweep step, judged against the target. The step is invalid only for
 * what is not the layout's doing: the generator's own event-loop lag, the generator limited (its CPU
 * near a core, its schedule lateness beyond maxEventLoopLagMs), the target gone. Requests
 * left unfinished by a lag-free generator are the layout not keeping up: a miss, not an invalid
 * step. Latencies of an invalid step are withheld.
 */
export function stepOf(
  seg: SegmentResult,
  o: Pick<StepOptions, 'sweep' | 'ratePerS' | 'round' | 'phase'>,
  w: Pick<ResolvedWorkload, 'maxBacklog' | 'maxEventLoopLagMs'>,
): CapacityStep {
  const valid = seg.lag.p99Ms <= w.maxEventLoopLagMs && !seg.incomplete && !seg.generator.limited;
  const all = new QueryRecord();
  for (const q of seg.recorder.queries) all.add(q);
  const secs = seg.drive.measuredSeconds;
  const offeredPerS = seg.drive.offeredPerS;
  const achievedPerS = all.ok / secs;
  const errors = Object.fromEntries([...all.errors.entries()].sort());
  const show = (x: number | null) => (valid ? x : null);
  const figures = {
    valid,
    p99Ms: show(all.response.percentileMs(99)),
    offeredPerS,
    achievedPerS,
    dropped: seg.drive.dropped,
    unfinished: seg.drive.unfinished,
    errors,
    offeredCount: Math.round((offeredPerS ?? 0) * secs),
  };
  const { meets, misses } = judgeStep(figures, o.sweep, w.maxBacklog);
  return {
    round: o.round,
    phase: o.phase,
    ratePerS: o.ratePerS,
    offeredPerS,
    achievedPerS,
    p50Ms: show(all.response.percentileMs(50)),
    p95Ms: show(all.response.percentileMs(95)),
    p99Ms: figures.p99Ms,
    serviceP99Ms: show(all.service.percentileMs(99)),
    ok: all.ok,
    errors,
    late: all.late,
    dropped: seg.drive.dropped,
    unfinished: seg.drive.unfinished,
    valid,
    invalidReasons: valid ? [] : [...seg.invalidReasons],
    eventLoopLagP99Ms: seg.lag.p99Ms,
    generatorLimited: seg.generator.limited,
    serverBackends: seg.generator.serverBackends ?? null,
    meets,
    misses,
    histogram: valid && all.response.count ? all.response.encode() : null,
  };
}
