import type { Command } from 'commander';
import { addOutputOptions, addScenarioOptions, addTargetOptions, positiveInt, resolveCommon } from './common-options.js';
import type { CommonOpts } from './common-options.js';
import { loadPipeline } from './load-pipeline.js';

export interface MigrateOpts extends CommonOpts {
  seeded?: boolean;
  parallel: number;
  steps?: number;
  underLoad: boolean;
}

export function registerMigrate(program: Command): void {
  const cmd = program
    .command('migrate')
    .description(
      'Apply the migration set (add a nullable column, add a column with a default, change a column type, add a constraint, create an index concurrently) ' +
        'with node-pg-migrate to every layout: shared/rls once, schema/database once per tenant (version table per schema / per database). ' +
        'Seeds first unless --seeded. A tenant that fails is reported with its version and the command exits 1; re-running resumes.',
    );
  addOutputOptions(addTargetOptions(addScenarioOptions(cmd)))
    .option('--seeded', 'do not seed: migrate the layouts an earlier `seed` left on the target (--pg-data or --database-url)')
    .option(
      '--parallel <n>',
      'tenants migrated at once (schema and database layouts); above 1, the migrations are first applied one tenant at a time and undone, so both figures come from one run',
      positiveInt('--parallel'),
      1,
    )
    .option(
      '--no-under-load',
      "skip the migration under load (undo the migrations, then re-apply them while the scenario's workload runs, next to a quiet segment)",
    )
    .option('--steps <n>', 'apply at most this many pending migrations per unit (default: all)', positiveInt('--steps'))
    .action(async (opts: MigrateOpts) => {
      const { scenario, target } = resolveCommon(opts);
      const { runPipeline, stages } = await loadPipeline();
      const s = await runPipeline(
        { command: 'migrate', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet },
        [
          stages.seed({ reuse: opts.seeded }),
          stages.migrate({ parallel: opts.parallel, count: opts.steps, compareSequential: true, underLoad: opts.underLoad }),
        ],
      );
      process.stdout.write(`results: ${s.bundle.dir}\n`);
    });
}
