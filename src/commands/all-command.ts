import type { Command } from 'commander';
import { addOutputOptions, addScenarioOptions, addTargetOptions, resolveCommon } from './common-options.js';
import type { CommonOpts } from './common-options.js';
import { withRunSession } from './run-session.js';
import { seedStage, seedTable } from './seed-stage.js';

export function registerAll(program: Command): void {
  const cmd = program
    .command('all')
    .description(
      'The main job: start the target (a throwaway embedded PostgreSQL by default), seed every layout of the scenario, ' +
        'check that the datasets are identical, write results/<run-id>/, and stop the target. ' +
        'Workloads, operations, isolation probes and reports are not part of this version yet.',
    );
  addOutputOptions(addTargetOptions(addScenarioOptions(cmd))).action(async (opts: CommonOpts) => {
    const { scenario, target } = resolveCommon(opts);
    const s = await withRunSession({ command: 'all', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet }, async (session) => {
      await seedStage(session);
    });
    for (const l of seedTable(s.summary)) process.stdout.write(l + '\n');
    process.stdout.write(`dataset checksum ${s.summary.dataset.checksum} identical across ${s.summary.dataset.layoutsCompared.join(', ')}\nresults: ${s.bundle.dir}\n`);
  });
}
