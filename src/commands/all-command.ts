import type { Command } from 'commander';
import { addOutputOptions, addScenarioOptions, addTargetOptions, resolveCommon } from './common-options.js';
import type { CommonOpts } from './common-options.js';
import { withRunSession } from './run-session.js';
import { seedStage } from './seed-stage.js';
import { join } from 'node:path';
import { loadResults } from '../report/load-results.js';
import { markdownTable } from '../report/markdown-report.js';
import { writeReport } from '../report/write-report.js';

export function registerAll(program: Command): void {
  const cmd = program
    .command('all')
    .description(
      'The main job: start the target (a throwaway embedded PostgreSQL by default), seed every layout of the scenario, ' +
        'check that the datasets are identical, write results/<run-id>/, and stop the target. ' +
        'Ends by writing reports/<run-id>/ and printing the main table. Workloads, operations and isolation probes are not part of this version yet.',
    );
  addOutputOptions(addTargetOptions(addScenarioOptions(cmd)))
    .option('--reports-dir <dir>', 'where reports/<run-id>/ is written (default: reports/ in the package)')
    .action(async (opts: CommonOpts & { reportsDir?: string }) => {
    const { scenario, target } = resolveCommon(opts);
    const s = await withRunSession({ command: 'all', scenario, target, resultsDir: opts.resultsDir, prefix: opts.prefix, quiet: opts.quiet }, async (session) => {
      await seedStage(session);
    });
    process.stdout.write(`dataset checksum ${s.summary.dataset.checksum} identical across ${s.summary.dataset.layoutsCompared.join(', ')}\nresults: ${s.bundle.dir}\n`);
    // The report is built from the bundle alone, exactly as `tenantbench report` would.
    const report = await writeReport(loadResults(s.bundle.dir), opts.reportsDir ? join(opts.reportsDir, s.bundle.runId) : undefined);
    const main = report.model.tables.find((t) => t.id === 'main')!;
    process.stdout.write(`\n${markdownTable(main)}\n\nreport: ${join(report.dir, 'report.md')}\n`);
  });
}
