import type { Command } from 'commander';
import { addOutputOptions, addScenarioOptions, addTargetOptions, resolveCommon } from './common-options.js';
import type { CommonOpts } from './common-options.js';
import { runSeedPipeline, seedTable } from './seed-pipeline.js';

export function registerSeed(program: Command): void {
  const cmd = program
    .command('seed')
    .description(
      'Build the scenario\'s dataset under every layout, check that all layouts hold identical rows (per-tenant checksums), and write results/<run-id>/. ' +
        'The embedded cluster is discarded at exit unless --pg-data DIR is given; with --database-url the seeded databases stay on that server.',
    );
  addOutputOptions(addTargetOptions(addScenarioOptions(cmd))).action(async (opts: CommonOpts) => {
    const { scenario, target } = resolveCommon(opts);
    const { bundle, summary } = await runSeedPipeline({ command: 'seed', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet });
    for (const l of seedTable(summary)) process.stdout.write(l + '\n');
    process.stdout.write(`dataset checksum ${summary.dataset.checksum} identical across ${summary.dataset.layoutsCompared.join(', ')}\nresults: ${bundle.dir}\n`);
  });
}
