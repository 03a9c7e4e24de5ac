import createDebug from 'debug';
import { InterruptedError, PartialFailureError } from '../errors.js';
import { interruptSignal } from '../lifecycle.js';
import { withRunSession } from './run-session.js';
import type { RunSession, SessionOptions } from './run-session.js';
import type { Stage } from './stage.js';

const debug = createDebug('tenantbench:pipeline');

/**
 * Run `stages` in order on one session. A stage that throws ends the run, except a partial failure
 * (some tenants' migrations or backups failed, the rest recorded): the remaining stages still run
 * and the first such failure is thrown at the end. No stage starts once a signal is being handled.
 */
export async function runStages(session: RunSession, stages: readonly Stage[]): Promise<void> {
  let deferred: PartialFailureError | null = null;
  for (const stage of stages) {
    const signal = interruptSignal();
    if (signal) throw new InterruptedError(signal);
    if (stage.skip) {
      debug('%s: skipped (%s)', stage.id, stage.skip);
      continue;
    }
    debug('%s: start', stage.id);
    try {
      await stage.run(session);
    } catch (err) {
      if (!(err instanceof PartialFailureError)) throw err;
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
