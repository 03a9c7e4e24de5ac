import { Option } from 'commander';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { addOutputOptions, addScenarioOptions, addTargetOptions, resolveCommon } from './common-options.js';
import type { CommonOpts } from './common-options.js';
import { loadPipeline } from './load-pipeline.js';

export function registerVerify(program: Command): void {
  const cmd = program
    .command('verify')
    .description(
      'Try to cross the tenant boundary of every layout, connecting as the application does (its router, its role): read, write, ' +
        "insert and move other tenants' rows, no or an empty context, switching the context, schema-qualified names, other databases, " +
        'side channels, objects that bypass policies, the role configuration, pooled connections. Prints a layout x probe table ' +
        '(blocked / LEAKED / finding / n/a), writes isolation.csv and summary.json `isolation`. Exit 1 on any leak. ' +
        'With --self-test, runs the probes against deliberately broken variants instead (tiny data of its own) and exits 1 if one is not flagged.',
    );
  addOutputOptions(addTargetOptions(addScenarioOptions(cmd)))
    .option('--seeded', 'do not seed: verify the layouts an earlier `seed` left on the target (--pg-data or --database-url)')
    .addOption(
      new Option(
        '--self-test',
        'check the verifier: every deliberately broken layout variant must be flagged (seeds its own tiny data)',
      ).conflicts('seeded'),
    )
    .action(async (opts: CommonOpts & { seeded?: boolean; selfTest?: boolean }) => {
      const { scenario, target } = resolveCommon(opts);
      // Every probe acts as one tenant against another: checked before a server starts.
      if (!opts.selfTest && scenario.tenants < 2)
        throw new UsageError(`verify needs at least 2 tenants (the scenario has ${scenario.tenants})`, 'tenants');
      const { runPipeline, stages } = await loadPipeline();
      const s = await runPipeline(
        { command: 'verify', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet },
        opts.selfTest ? [stages.selfTest()] : [stages.seed({ reuse: opts.seeded }), stages.verify()],
      );
      const iso = s.summary.isolation!;
      if (opts.selfTest) {
        process.stdout.write(`self-test: all ${iso.selfTest!.variants.length} broken variants flagged\n`);
      } else {
        process.stdout.write(`isolation: ${iso.blocked} blocked, ${iso.findings} findings, ${iso.leaked} leaked\n`);
      }
      process.stdout.write(`results: ${s.bundle.dir}\n`);
    });
}
