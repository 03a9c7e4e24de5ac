import type { Command } from 'commander';
import { addOutputOptions, addScenarioOptions, addTargetOptions, resolveCommon } from './common-options.js';
import type { CommonOpts } from './common-options.js';
import { loadPipeline } from './load-pipeline.js';

export function registerSeed(program: Command): void {
  const cmd = program
    .command('seed')
    .description(
      "Build the scenario's dataset under every layout, check that all layouts hold identical rows (per-tenant checksums), and write results/<run-id>/. " +
        'The embedded cluster is discarded at exit unless --pg-data DIR is given; with --database-url the seeded databases stay on that server.',
    );
  addOutputOptions(addTargetOptions(addScenarioOptions(cmd)))
    .option('--seeded', 'do not seed: check the layouts an earlier `seed` left on the target (--pg-data or --database-url)')
    .action(async (opts: CommonOpts & { seeded?: boolean }) => {
      const { scenario, target } = resolveCommon(opts);
      const { runPipeline, stages } = await loadPipeline();
      const s = await runPipeline(
        { command: 'seed', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet },
        [stages.seed({ reuse: opts.seeded })],
      );
      const { seedTable } = await import('../pipeline/seed-stage.js');
      for (const l of seedTable(s.summary)) process.stdout.write(`${l}\n`);
      process.stdout.write(
        `dataset checksum ${s.summary.dataset.checksum} identical across ${s.summary.dataset.layoutsCompared.join(', ')}\nresults: ${s.bundle.dir}\n`,
      );
    });
}
