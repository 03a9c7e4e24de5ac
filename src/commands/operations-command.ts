import type { Command } from 'commander';
import { addOutputOptions, addScenarioOptions, addTargetOptions, positiveInt, resolveCommon } from './common-options.js';
import type { CommonOpts } from './common-options.js';
import { loadPipeline } from './load-pipeline.js';

export interface OperationsOpts extends CommonOpts {
  seeded?: boolean;
  parallel: number;
  jobs: number;
  concurrency: number;
  underLoad: boolean;
}

export function registerOperations(program: Command): void {
  const cmd = program
    .command('operations')
    .description(
      'Seed (unless --seeded), then every operation on every layout: migrations across tenants, verified full and single-tenant backups, ' +
        'sizes per tenant and catalog overhead, server connections at a concurrency, and moving a tenant out of the pooled tables.',
    );
  addOutputOptions(addTargetOptions(addScenarioOptions(cmd)))
    .option('--seeded', 'do not seed: work on the layouts an earlier `seed` left on the target (--pg-data or --database-url)')
    .option(
      '--parallel <n>',
      'tenants migrated at once (schema and database layouts); above 1, the migrations are first applied one tenant at a time and undone, so both figures come from one run',
      positiveInt('--parallel'),
      1,
    )
    .option('-j, --jobs <n>', 'parallel jobs for pg_dump -Fd and pg_restore', positiveInt('--jobs'), 2)
    .option(
      '--no-under-load',
      "skip the migration under load (undo the migrations, then re-apply them while the scenario's workload runs, next to a quiet segment)",
    )
    .option('--concurrency <n>', 'sessions held at once by the connections probe', positiveInt('--concurrency'), 8)
    .action(async (opts: OperationsOpts) => {
      const { scenario, target } = resolveCommon(opts);
      const { runPipeline, stages } = await loadPipeline();
      const s = await runPipeline(
        { command: 'operations', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet },
        [
          stages.seed({ reuse: opts.seeded }),
          ...stages.operations({
            migrate: { parallel: opts.parallel, compareSequential: true, underLoad: opts.underLoad },
            backup: { jobs: opts.jobs },
            concurrency: opts.concurrency,
          }),
        ],
      );
      process.stdout.write(`results: ${s.bundle.dir}\n`);
    });
}
