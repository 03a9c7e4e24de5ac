import type { RunSession } from './run-session.js';

/**
 * One step of a command's pipeline (seed, the workload, the probes, each operation...). A command
 * is a list of stages run in order on one session by runPipeline (src/pipeline/run-pipeline.ts);
 * a stage the flags or the scenario leave out stays in the list with the reason it does not run.
 */
export interface Stage {
  /** Stable name, in debug output (DEBUG=tenantbench:pipeline). */
  readonly id: string;
  /** Why the stage does not run this time (a flag, the scenario); absent when it runs. */
  readonly skip?: string;
  /** Records its results into the session's summary and flushes; throws to fail the run. */
  run(session: RunSession): Promise<void>;
}

/** `list` with `reason` as every stage's skip reason when `reason` is set (e.g. `opts.skipRun && '--skip-run'`). */
export function skipped(reason: string | false | undefined, list: readonly Stage[]): Stage[] {
  return reason ? list.map((stage) => ({ ...stage, skip: reason })) : [...list];
}
