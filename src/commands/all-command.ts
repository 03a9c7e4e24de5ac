import { join } from 'node:path';
import type { Command } from 'commander';
import { errorMessage } from '../errors.js';
import { defaultReportsDir } from '../report/reports-dir.js';
import { ensureOutputDir } from '../output-path.js';
import {
  addGeneratorThreadsOption,
  addOutputOptions,
  addReferenceOption,
  addScenarioOptions,
  addTargetOptions,
  resolveCommon,
} from './common-options.js';
import type { CommonOpts } from './common-options.js';
import { positiveInt } from './common-options.js';
import { loadPipeline } from './load-pipeline.js';
import { SessionError } from '../pipeline/session-error.js';
import { skipped } from '../pipeline/stage.js';
import type { Stage } from '../pipeline/stage.js';
import { addPoolerOptions } from '../pooler/pooler-options.js';

export function registerAll(program: Command): void {
  const cmd = program
    .command('all')
    .description(
      'The main job: start the target (a throwaway embedded PostgreSQL by default), seed every layout of the scenario and check that the datasets are identical, ' +
        "drive the scenario's workload against every layout (latency percentiles, throughput, noisy neighbour, HTTP level; with a headline: block, a capacity calibration then every layout at the same open-loop rates below the lowest capacity), run the isolation probes, then the operations (migrations across tenants, sequential and --parallel; verified full and single-tenant backups; " +
        'sizes per tenant; connections; moving a tenant out; only those the main table quotes with operations: headline), write results/<run-id>/, stop the target, then write reports/<run-id>/ and print the main table.',
    );
  addReferenceOption(addPoolerOptions(addOutputOptions(addTargetOptions(addGeneratorThreadsOption(addScenarioOptions(cmd))))))
    .option('--reports-dir <dir>', 'where reports/<run-id>/ is written (default: reports/ in the package)')
    .option('--skip-run', 'do not run the workload (nor the rate sweep)')
    .option('--no-rate-sweep', "skip the scenario's rate sweep (rateSweep:)")
    .option('--skip-verify', 'do not run the isolation probes')
    .option('--skip-operations', 'do not run migrations, backups, sizes, connections and extraction')
    .option('--parallel <n>', 'tenants migrated at once; above 1 the one-at-a-time figure is measured too', positiveInt('--parallel'), 2)
    .option('-j, --jobs <n>', 'parallel jobs for pg_dump -Fd and pg_restore', positiveInt('--jobs'), 2)
    .action(
      async (
        opts: CommonOpts & {
          reportsDir?: string;
          skipRun?: boolean;
          rateSweep: boolean;
          skipVerify?: boolean;
          skipOperations?: boolean;
          parallel: number;
          jobs: number;
          pgbouncerBin?: string;
          pgbouncerAddress?: string;
        },
      ) => {
        const { scenario, target } = resolveCommon(opts, opts.rateSweep ? {} : { rateSweep: false });
        ensureOutputDir(opts.reportsDir ?? defaultReportsDir(), '--reports-dir');
        const pgbouncer = scenario.pooler
          ? (await import('../pooler/pooler-stage.js')).preflightPooler(
              scenario.pooler,
              scenario.workload,
              opts.pgbouncerBin,
              opts.pgbouncerAddress,
            )
          : null;
        const { runPipeline, stages } = await loadPipeline();
        // A scenario with a sweep runs one step per tenant count instead (src/tenant-sweep/).
        const pipeline: Stage[] = scenario.sweep
          ? [stages.sweep({ parallel: opts.parallel, skipRun: opts.skipRun, skipOperations: opts.skipOperations })]
          : [
              stages.seed(),
              // A headline replaces the plain workload: calibration, then every layout at the same rates.
              ...skipped(opts.skipRun && '--skip-run', [
                scenario.headline ? stages.headline() : stages.workload(pgbouncer),
                stages.reference(scenario, { headline: !!scenario.headline }),
                stages.rateSweep(scenario),
                stages.policyForms(scenario),
              ]),
              ...skipped(opts.skipVerify && '--skip-verify', [stages.verify()]),
              ...skipped(
                opts.skipOperations && '--skip-operations',
                scenario.operations === 'headline'
                  ? stages.headlineOperations({ parallel: opts.parallel, jobs: opts.jobs })
                  : stages.operations({
                      migrate: { parallel: opts.parallel, compareSequential: true, underLoad: true },
                      backup: { jobs: opts.jobs },
                      concurrency: 8,
                    }),
              ),
            ];
        let bundleDir: string | null = null;
        let runId = '';
        let failure: unknown = null;
        try {
          const s = await runPipeline(
            { command: 'all', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet },
            pipeline,
          );
          bundleDir = s.bundle.dir;
          runId = s.bundle.runId;
          if (!scenario.sweep)
            process.stdout.write(
              `dataset checksum ${s.summary.dataset.checksum} identical across ${s.summary.dataset.layoutsCompared.join(', ')}\n`,
            );
          process.stdout.write(`results: ${s.bundle.dir}\n`);
        } catch (err) {
          failure = err;
          if (err instanceof SessionError) {
            bundleDir = err.bundle.dir;
            runId = err.bundle.runId;
          }
        }
        // The report is built from the bundle alone, exactly as `tenantbench report` would; a failed
        // run still gets one, showing what was measured before it stopped.
        if (bundleDir) {
          try {
            const [{ loadResults }, { markdownTable }, { writeReport }] = await Promise.all([
              import('../report/load-results.js'),
              import('../report/markdown-report.js'),
              import('../report/write-report.js'),
            ]);
            const report = await writeReport(loadResults(bundleDir), opts.reportsDir ? join(opts.reportsDir, runId) : undefined);
            const main = report.model.tables.find((t) => t.id === (scenario.sweep ? 'sweep' : 'main'))!;
            process.stdout.write(`\n${markdownTable(main)}\n\nreport: ${join(report.dir, 'report.md')}\n`);
          } catch (err) {
            process.stderr.write(`tenantbench: the report could not be written: ${errorMessage(err)}\n`);
          }
        }
        if (failure) throw failure;
      },
    );
}
