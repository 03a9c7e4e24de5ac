/**
 * A run: results bundle + target + layout context, owned in one place. Commands (seed, all, and
 * later run/verify/migrate/backup) open a session, run their stages against it, and the session
 * writes summary.json after every step, marks the run ok/failed/interrupted, and stops what it
 * started on every path.
 */
import createDebug from 'debug';
import type { ResolvedScenario } from '../config/load-scenario.js';
import { layoutNames } from '../layouts/layout-names.js';
import type { LayoutName } from '../config/scenario-schema.js';
import { InterruptedError, errorMessage } from '../errors.js';
import { SessionError } from './session-error.js';
import { makeNaming } from '../layouts/common/naming.js';
import { roleSecretFor } from '../layouts/common/role-secret.js';
import { bindPlacement } from '../layouts/common/placement-binding.js';
import type { LayoutContext, SeedProgress, TableChecksums } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { isInterrupting, onInterrupt } from '../lifecycle.js';
import { markInterrupted } from './interrupted-run.js';
import { makeProgress } from '../measure/progress.js';
import type { ProgressSink } from '../measure/progress.js';
import { createBundle, writeJson, writeSummary } from '../results/bundle.js';
import type { Bundle } from '../results/bundle.js';
import { SUMMARY_SCHEMA_VERSION, summaryJsonSchema } from '../results/summary-schema.js';
import type { Summary } from '../results/summary-schema.js';
import { compareLayouts } from '../seed-check.js';
import { captureEnvironment } from '../target/environment.js';
import { prioritizeLoadGenerator } from '../measure/scheduler.js';
import type { Environment } from '../target/environment.js';
import { lockPrefix } from '../target/prefix-lock.js';
import type { PrefixLock } from '../target/prefix-lock.js';
import { openTarget } from '../target/open-target.js';
import { describePlacement, measurePlacement } from '../target/placement-record.js';
import type { TargetOptions } from '../target/open-target.js';
import type { Target } from '../target/target.js';
import { buildPools } from '../../seed/pools.js';
import { planDataset } from '../../seed/tenant-plan.js';
import type { DatasetPlan } from '../../seed/tenant-plan.js';

const debug = createDebug('tenantbench:run');

export interface SessionOptions {
  command: string;
  scenario: ResolvedScenario;
  target: TargetOptions;
  resultsDir: string;
  prefix: string;
  quiet?: boolean;
  /** Where human-readable lines go (stdout by default). */
  out?: (line: string) => void;
}

export interface RunSession {
  readonly bundle: Bundle;
  readonly summary: Summary;
  readonly scenario: ResolvedScenario;
  /** The scenario's layouts in canonical order (shared before rls, so rls can copy it). */
  readonly layouts: readonly LayoutName[];
  readonly target: Target;
  readonly env: Environment;
  readonly ctx: LayoutContext;
  readonly progress: ProgressSink;
  /** Per-layout per-tenant checksums gathered so far (seed stage). */
  readonly checksums: Map<LayoutName, Map<string, TableChecksums>>;
  /** Extra files a stage wants rewritten on every flush (CSV tables). */
  readonly writers: Array<() => void>;
  out(line: string): void;
  /** Rewrite summary.json (validated) and the registered files. */
  flush(): void;
}

/**
 * Open a session, run `body`, and always: write the summary, stop the target. Errors are rethrown
 * as SessionError carrying the bundle, so the CLI can say where the partial results are.
 */
export async function withRunSession(o: SessionOptions, body: (s: RunSession) => Promise<void>): Promise<RunSession> {
  const out = o.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const scenario = o.scenario;
  const bundle = createBundle(o.resultsDir, scenario.name);
  writeJson(bundle, 'scenario.json', scenario);
  writeJson(bundle, 'summary.schema.json', summaryJsonSchema());
  const layouts = layoutNames().filter((l) => scenario.layouts.includes(l));
  const summary: Summary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    runId: bundle.runId,
    command: o.command,
    status: 'failed',
    error: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    scenario: {
      name: scenario.name,
      tenants: scenario.tenants,
      rows: scenario.rows,
      seed: scenario.seed,
      sizes: { ...scenario.sizes },
      layouts,
    },
    target: { kind: o.target.target, serverVersion: null },
    dataset: { checksum: null, identicalAcrossLayouts: null, layoutsCompared: [], mismatches: [], tenants: [] },
    layouts: Object.fromEntries(
      layouts.map((l) => [
        l,
        {
          status: 'not-run',
          description: layoutOf(l).description,
          reason: 'not reached',
          rows: null,
          checksum: null,
          seed: null,
          sizes: null,
        },
      ]),
    ),
  };
  const plan = planDataset({ seed: scenario.seed, tenants: scenario.tenants, rows: scenario.rows, sizes: scenario.sizes });
  const checksums = new Map<LayoutName, Map<string, TableChecksums>>();
  const writers: Array<() => void> = [];
  const flush = () => {
    summary.dataset = compareLayouts(plan, checksums);
    summary.finishedAt = new Date().toISOString();
    writeSummary(bundle, summary);
    for (const w of writers) w();
  };
  let interruptedBy: string | null = null;
  const removeHook = onInterrupt((signal) => {
    interruptedBy = signal;
    markInterrupted(summary, signal);
    flush();
    out(`results so far: ${bundle.dir}`);
  });
  const progress = makeProgress({ quiet: o.quiet });
  let target: Target | null = null;
  let session: RunSession | null = null;
  let prefixLock: PrefixLock | null = null;
  let failure: SessionError | null = null;
  try {
    target = await openTarget({ ...o.target, log: (l) => out(l) });
    prefixLock = await lockPrefix(target, o.prefix);
    // The load generator must not be starved by the server's backends (src/measure/scheduler.ts).
    const scheduler = prioritizeLoadGenerator();
    if (scheduler.warning) out(`warning: ${scheduler.warning}`);
    const env = await captureEnvironment(target, scheduler);
    writeJson(bundle, 'environment.json', env);
    summary.target = { kind: target.kind, serverVersion: env.server.version };
    const ctx = makeLayoutContext({ target, scenario, prefix: o.prefix, progress, serverVersionNum: env.server.versionNum, plan });
    summary.placement = await describePlacement(target, ctx);
    session = { bundle, summary, scenario, layouts, target, env, ctx, progress, checksums, writers, out, flush };
    await body(session);
    summary.status = 'ok';
  } catch (err) {
    if (summary.status === 'interrupted' || isInterrupting()) {
      markInterrupted(summary, interruptedBy);
      failure = new SessionError(new InterruptedError(interruptedBy ?? 'a signal'), bundle);
    } else {
      summary.status = 'failed';
      summary.error = errorMessage(err);
      failure = new SessionError(err, bundle);
    }
  }
  progress.stop();
  removeHook();
  // The last write may fail (disk full, bundle directory gone): the server is stopped all the same.
  let closing: unknown = null;
  try {
    if (target && session && summary.placement) await measurePlacement(summary.placement, target, session.ctx);
    flush();
  } catch (err) {
    closing = err;
  }
  try {
    await prefixLock?.release();
  } finally {
    if (target) {
      debug('stopping target');
      await target.stop();
    }
  }
  // A body that failed has its own error (which says more); else a failed last write fails the run.
  if (failure) throw failure;
  if (closing || !session) throw new SessionError(closing, bundle);
  return session;
}

/** The context layouts work in; shared by sessions, benchmarks and tests. */
export function makeLayoutContext(o: {
  target: Target;
  scenario: ResolvedScenario;
  prefix: string;
  serverVersionNum: number;
  progress?: SeedProgress;
  plan?: DatasetPlan;
}): LayoutContext {
  const { target, scenario } = o;
  // Application-role passwords derive from a random secret stored with the target (role-secret.ts),
  // so later commands reconnect and nobody can compute them from public information.
  const secret = roleSecretFor(target);
  const ctx: LayoutContext = {
    target,
    scenario,
    plan: o.plan ?? planDataset({ seed: scenario.seed, tenants: scenario.tenants, rows: scenario.rows, sizes: scenario.sizes }),
    pools: buildPools(scenario.seed),
    naming: makeNaming(o.prefix, secret),
    progress: o.progress ?? { phase() {}, rows() {} },
    seeded: new Set<LayoutName>(),
    serverVersionNum: o.serverVersionNum,
  };
  bindPlacement(ctx);
  return ctx;
}
