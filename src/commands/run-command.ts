import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import {
  addGeneratorThreadsOption,
  addOutputOptions,
  addReferenceOption,
  addScenarioOptions,
  addTargetOptions,
  positiveInt,
  resolveCommon,
} from './common-options.js';
import type { CommonOpts } from './common-options.js';
import { rateSweepOptions, rateSweepOverrides } from './rate-sweep-options.js';
import type { RateSweepOpts } from './rate-sweep-options.js';
import { loadPipeline } from './load-pipeline.js';
import { addPoolerOptions } from '../pooler/pooler-options.js';

const nonNegative =
  (name: string) =>
  (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number >= 0 (got "${v}")`);
    return n;
  };

const positiveNumber =
  (name: string) =>
  (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0 (got "${v}")`);
    return n;
  };

/** `--mix recent-orders=3,point-lookup=1`: weights per query (names checked with the scenario). */
function parseMix(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9-]+)=(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw new InvalidArgumentError(`--mix: expected name=weight,... (got "${part}")`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

interface RunOpts extends CommonOpts, RateSweepOpts {
  seeded?: boolean;
  repeats?: number;
  duration?: number;
  warmup?: number;
  mode?: 'closed' | 'open';
  users?: number;
  rate?: number;
  mix?: Record<string, number>;
  prepared?: boolean;
  leakProbes?: boolean;
  pgbouncerBin?: string;
  pgbouncerAddress?: string;
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description(
      "Drive the scenario's workload (weighted query mix, closed or open loop) against every layout in an interleaved, shuffled order with equal warm-up, " +
        'and write P50/P95/P99/P99.9 per layout and query (HdrHistograms, errors by SQLSTATE) into results/<run-id>/. Seeds first unless --seeded; then runs each query the scenario declares (queries:) once per layout, refusing SQL that fails there (exit 2) before anything is measured.',
    );
  addReferenceOption(
    rateSweepOptions(addPoolerOptions(addOutputOptions(addTargetOptions(addGeneratorThreadsOption(addScenarioOptions(cmd)))))),
  )
    .option('--seeded', 'do not seed: check and use the layouts an earlier `seed` left on the target (--pg-data or --database-url)')
    .option('--repeats <n>', "measured repeats per layout (default: the scenario's, else 3)", positiveInt('--repeats'))
    .option('--duration <seconds>', 'measured seconds per layout and repeat', positiveNumber('--duration'))
    .option('--warmup <seconds>', 'warm-up seconds before each measurement (not recorded)', nonNegative('--warmup'))
    .addOption(
      new Option('--mode <mode>', 'closed loop (users back to back) or open loop (fixed arrival rate)').choices(['closed', 'open']),
    )
    .option('--users <n>', 'virtual users (closed loop) and connections per pooled router', positiveInt('--users'))
    .option('--rate <perSecond>', 'open loop: offered requests per second', positiveNumber('--rate'))
    .option('--mix <name=weight,...>', "query weights, replacing the scenario's mix", parseMix)
    .option('--no-prepared', 'unnamed statements (parsed and planned on every call) instead of named prepared ones')
    .option(
      '--leak-probes',
      "mix read-type leak probes (by id, scan, join, aggregate) into each measured window through the workload's router (every workload.leakProbes.everyMs, default 200 ms); any row of another tenant seen fails the run (exit 1)",
    )
    .action(async (opts: RunOpts) => {
      const workload: Record<string, unknown> = {};
      if (opts.repeats !== undefined) workload.repeats = opts.repeats;
      if (opts.duration !== undefined) workload.durationSeconds = opts.duration;
      if (opts.warmup !== undefined) workload.warmupSeconds = opts.warmup;
      if (opts.mode !== undefined) workload.mode = opts.mode;
      if (opts.users !== undefined) workload.users = opts.users;
      if (opts.rate !== undefined) workload.ratePerS = opts.rate;
      if (opts.mix !== undefined) workload.mix = opts.mix;
      if (opts.prepared === false) workload.prepared = false;
      if (opts.leakProbes) workload.leakProbes = { enabled: true };
      const { scenario, target } = resolveCommon(opts, { workload, ...rateSweepOverrides(opts) });
      const pgbouncer = scenario.pooler
        ? (await import('../pooler/pooler-stage.js')).preflightPooler(
            scenario.pooler,
            scenario.workload,
            opts.pgbouncerBin,
            opts.pgbouncerAddress,
          )
        : null;
      const { runPipeline, stages } = await loadPipeline();
      const s = await runPipeline(
        { command: 'run', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet },
        [
          stages.seed({ reuse: opts.seeded }),
          stages.workload(pgbouncer),
          stages.reference(scenario),
          stages.rateSweep(scenario),
          stages.policyForms(scenario),
        ],
      );
      const { workloadTable } = await import('../pipeline/run-stage.js');
      for (const l of workloadTable(s.summary)) process.stdout.write(`${l}\n`);
      process.stdout.write(`results: ${s.bundle.dir}\n`);
    });
}
