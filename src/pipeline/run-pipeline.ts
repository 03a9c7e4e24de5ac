import createDebug from 'debug';
import { InterruptedError, PartialFailureError } from '../errors.js';
import { interruptSignal } from '../lifecycle.js';
import { stageEtaLine } from '../measure/progress.js';
import type { StageTiming } from '../results/headline-schema.js';
import { withRunSession } from './run-session.js';
import type { RunSession, SessionOptions } from './run-session.js';
import { estimateStageSeconds } from './stage-estimates.js';
import type { Stage } from './stage.js';

const debug = createDebug('tenantbench:pipeline');

/**
 * Run `stages` in order on one session. A stage that throws ends the run, except a partial failure
 * (some tenants' migrations or backups failed, the rest recorded): the remaining stages still run
 * and the first such failure is thrown at the end. No stage starts once a signal is being handled.
 * Each stage's start and wall-clock seconds go to summary.stages; before each, a progress line with
 * the ETA of the whole run (from src/pipeline/stage-estimates.ts).
 */
export async function runStages(session: RunSession, stages: readonly Stage[]): Promise<void> {
  let deferred: PartialFailureError | null = null;
  const timings: StageTiming[] = stages.map((st) => ({
    id: st.id,
    status: 'skipped',
    startedAt: null,
    seconds: null,
    skip: st.skip ?? null,
  }));
  if (session.summary) session.summary.stages = timings;
  const estimates = stages.map((st) => (st.skip || !session.scenario ? 0 : estimateStageSeconds(st.id, session.scenario)));
  const t0 = performance.now();
  for (const [i, stage] of stages.entries()) {
    const signal = interruptSignal();
    if (signal) throw new InterruptedError(signal);
    if (stage.skip) {
      debug('%s: skipped (%s)', stage.id, stage.skip);
      continue;
    }
    debug('%s: start', stage.id);
    const elapsed = (performance.now() - t0) / 1000;
    session.out?.(
      stageEtaLine({ index: i, count: stages.length, id: stage.id, elapsedSeconds: elapsed, remainingEstimates: estimates.slice(i) }),
    );
    const timing = timings[i]!;
    timing.startedAt = new Date().toISOString();
    const started = performance.now();
    const done = (status: StageTiming['status']) => {
      timing.status = status;
      timing.seconds = (performance.now() - started) / 1000;
      session.flush?.();
    };
    try {
      await stage.run(session);
      done('ok');
    } catch (err) {
      if (!(err instanceof PartialFailureError)) {
        done('failed');
        throw err;
      }
      done('partial');
      debug('%s: partial failure, going on: %s', stage.id, err.message);
      deferred ??= err;
    }
  }
  if (deferred) throw deferred;
}

/**
 * Open a session (results bundle, target, layout context), run the stages on it, and close it: the
 * summary is written and the target stopped on every path (see withRunSession).
 */
export function runPipeline(o: SessionOptions, stages: readonly Stage[]): Promise<RunSession> {
  return withRunSession(o, (session) => runStages(session, stages));
}
