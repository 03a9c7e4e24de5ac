import type { LayoutName } from '../config/scenario-schema.js';
import { errorMessage } from '../errors.js';
import { writeCsv } from '../results/bundle.js';
import { CAPACITY_SCHEMA_VERSION } from '../results/capacity-schema.js';
import type { CapacityStep, CapacitySummary, LayoutCapacity } from '../results/capacity-schema.js';
import type { Summary } from '../results/summary-schema.js';
import { capacityOf } from '../workload/capacity-verdict.js';
import { SweepCursor } from '../workload/rate-sweep-plan.js';
import { measureStep } from '../workload/rate-sweep-step.js';
import { layoutOrder } from './run-stage.js';
import { capacitySection } from '../report/capacity-section.js';
import { sectionLines } from '../report/terminal-section.js';
import type { RunSession } from './run-session.js';

/**
 * The capacity stage (`rateSweep:` in the scenario): per layout, open-loop steps at increasing
 * offered rates until the P99 target is missed, then optional bisection. Fair interleaving: in each
 * round every layout still sweeping runs one step, in an order shuffled per round (the `run`
 * stage's shuffle), each with a fresh router and its own warm-up; a layout's next rate depends only
 * on its own results. Writes summary.capacity and capacity.csv (every step), prints a line per
 * step and the capacity table. A layout whose step throws is marked failed, the others go on, and
 * the stage fails (exit 1) at the end.
 */
export async function rateSweepStage(s: RunSession): Promise<void> {
  const sweep = s.scenario.rateSweep;
  if (!sweep) return;
  const w = s.scenario.workload;
  const cs: CapacitySummary = {
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    config: {
      rates: [...sweep.rates],
      p99TargetMs: sweep.p99TargetMs,
      stepSeconds: sweep.stepSeconds,
      warmupSeconds: sweep.warmupSeconds,
      minAchievedFraction: sweep.minAchievedFraction,
      maxErrorFraction: sweep.maxErrorFraction,
      stopAfterMisses: sweep.stopAfterMisses,
      refine: sweep.refine,
      mix: { ...w.mix },
      connections: w.users,
      arrival: w.arrival,
      lateMs: w.lateMs,
      maxBacklog: w.maxBacklog,
      maxEventLoopLagMs: w.maxEventLoopLagMs,
    },
    order: [],
    layouts: {},
  };
  s.summary.capacity = cs;
  s.writers.push(() => writeCapacityCsv(s, cs));
  const runnable = s.layouts.filter((l) => s.summary.layouts[l]?.status === 'ok');
  const cursors = new Map<LayoutName, SweepCursor>();
  const steps = new Map<LayoutName, CapacityStep[]>();
  for (const l of s.layouts) {
    if (runnable.includes(l)) {
      cursors.set(l, new SweepCursor(sweep));
      steps.set(l, []);
      cs.layouts[l] = layoutCapacity([]);
    } else {
      const reason = `layout not seeded (${s.summary.layouts[l]?.status ?? 'unknown'})`;
      cs.layouts[l] = {
        status: 'not-run',
        reason,
        capacity: { kind: 'not-measured', ratePerS: null, firstMissPerS: null, label: `not measured: ${reason}`, reason },
        steps: [],
      };
    }
  }
  s.out(
    `rate sweep: ${sweep.rates.join(', ')} req/s (${w.arrival}), P99 target ${sweep.p99TargetMs} ms, ${sweep.warmupSeconds} s warm-up + ${sweep.stepSeconds} s per step, ` +
      `${w.users} connections, mix ${Object.entries(w.mix)
        .map(([q, x]) => `${q}=${x}`)
        .join(',')}${sweep.refine ? `, ${sweep.refine} refinement step(s)` : ''}`,
  );
  const failed: string[] = [];
  let unreachable: string | null = null;
  for (let round = 0; !unreachable; round++) {
    const due = runnable.filter((l) => cursors.get(l)!.next() !== null);
    if (!due.length) break;
    const order = layoutOrder(due, s.scenario.seed, round);
    cs.order.push(order);
    for (const layout of order) {
      const cursor = cursors.get(layout)!;
      const { ratePerS, phase } = cursor.next()!;
      try {
        const { step, segment } = await measureStep({ ctx: s.ctx, layout, workload: w, sweep, ratePerS, round, phase });
        cursor.record(step);
        steps.get(layout)!.push(step);
        cs.layouts[layout] = layoutCapacity(steps.get(layout)!);
        s.out(`  round ${round + 1} ${layout} ${ratePerS}/s${phase === 'refine' ? ' (refine)' : ''}: ${stepLine(step, sweep.p99TargetMs)}`);
        if (segment.incomplete) {
          unreachable = step.invalidReasons.find((r) => r.startsWith('target unreachable')) ?? 'target unreachable';
          cs.layouts[layout] = { ...cs.layouts[layout]!, status: 'failed', reason: unreachable };
        }
      } catch (err) {
        runnable.splice(runnable.indexOf(layout), 1);
        failed.push(`${layout}: ${errorMessage(err)}`);
        cs.layouts[layout] = { ...layoutCapacity(steps.get(layout)!), status: 'failed', reason: errorMessage(err) };
        s.out(`  round ${round + 1} ${layout} ${ratePerS}/s: FAILED: ${errorMessage(err)}`);
      } finally {
        s.flush();
      }
      if (unreachable) break;
    }
  }
  for (const line of capacityTable(s.summary)) s.out(line);
  if (unreachable) throw new Error(`rate sweep stopped: ${unreachable}`);
  if (failed.length) throw new Error(`rate sweep failed in ${failed.join('; ')}`);
}

function layoutCapacity(steps: CapacityStep[]): LayoutCapacity {
  return { status: 'ok', reason: null, capacity: capacityOf(steps), steps: [...steps] };
}

const ms = (x: number | null) => (x === null ? 'n/a' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const perS = (x: number | null) => (x === null ? 'n/a' : x.toFixed(0));

function stepLine(st: CapacityStep, target: number): string {
  const errs = Object.values(st.errors).reduce((a, b) => a + b, 0);
  const verdict =
    st.meets === null
      ? `INVALID: ${st.invalidReasons.join('; ')}`
      : st.meets
        ? `meets P99 <= ${target} ms`
        : `MISS: ${st.misses.join('; ')}`;
  return (
    `offered ${perS(st.offeredPerS)}/s, achieved ${perS(st.achievedPerS)}/s, p50 ${ms(st.p50Ms)} ms, p99 ${ms(st.p99Ms)} ms (service ${ms(st.serviceP99Ms)} ms), ` +
    `late ${st.late}, dropped ${st.dropped}, errors ${errs}: ${verdict}`
  );
}

/** The capacity per layout, as printed at the end of the sweep: the report's capacity table. */
export function capacityTable(summary: Summary): string[] {
  return sectionLines(capacitySection(summary), ['capacity']);
}

function writeCapacityCsv(s: RunSession, cs: CapacitySummary): void {
  const rows: unknown[][] = [];
  for (const [layout, l] of Object.entries(cs.layouts)) {
    for (const st of l.steps) {
      const errs = Object.values(st.errors).reduce((a, b) => a + b, 0);
      rows.push([
        layout,
        st.round,
        st.phase,
        st.ratePerS,
        st.offeredPerS?.toFixed(1) ?? '',
        st.achievedPerS?.toFixed(1) ?? '',
        st.p50Ms ?? '',
        st.p95Ms ?? '',
        st.p99Ms ?? '',
        st.serviceP99Ms ?? '',
        st.ok,
        errs,
        st.late,
        st.dropped,
        st.unfinished,
        String(st.valid),
        st.meets === null ? '' : String(st.meets),
        st.meets === false ? st.misses.join('; ') : st.invalidReasons.join('; '),
      ]);
    }
  }
  writeCsv(
    s.bundle,
    'capacity.csv',
    [
      'layout',
      'round',
      'phase',
      'rate_per_s',
      'offered_per_s',
      'achieved_per_s',
      'p50_ms',
      'p95_ms',
      'p99_ms',
      'service_p99_ms',
      'ok',
      'errors',
      'late',
      'dropped',
      'unfinished',
      'valid',
      'meets',
      'why',
    ],
    rows,
  );
}
