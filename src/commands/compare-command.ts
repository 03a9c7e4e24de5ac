import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CannotCompareError, HarnessError } from '../errors.js';
import { ensureOutputFile } from '../output-path.js';
import { compareRuns, comparisonMarkdown, DEFAULT_THRESHOLDS, parseThresholds } from '../report/compare-runs.js';
import { loadResults } from '../report/load-results.js';
import { defaultReportsDir } from '../report/write-report.js';

/** A metric regressed beyond its threshold (exit 1). */
export class RegressionFound extends HarnessError {}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'Compare two results bundles (folders or summary.json files) per layout and metric; print a Markdown summary for a pull request and write it to a file. ' +
        'Exit 0 when complete with no regression, 1 on a regression beyond its threshold, 3 when the runs cannot be compared ' +
        '(either run failed, was interrupted or did not finish, a layout failed, or a metric is in one run only; wins over 1), ' +
        '2 on bad input or different environments.',
    )
    .argument('<baseline>', 'results bundle or summary.json of the reference run')
    .argument('<current>', 'results bundle or summary.json of the run under test')
    .option(
      '--max-regression <list>',
      `allowed regression per metric, e.g. p99=10%,throughput=5% (defaults: ${Object.entries(DEFAULT_THRESHOLDS)
        .map(([k, v]) => `${k}=${v}%`)
        .join(',')})`,
    )
    .option('--allow-env-diff', 'compare even when the environment keys differ (server, settings, machine, scenario, dataset)')
    .option('-o, --out <file>', 'where to write the Markdown summary (default: reports/compare/<baseline>-vs-<current>.md)')
    .action((baseline: string, current: string, opts: { maxRegression?: string; allowEnvDiff?: boolean; out?: string }) => {
      const thresholds = parseThresholds(opts.maxRegression);
      if (opts.out !== undefined) ensureOutputFile(opts.out, '--out');
      const base = loadResults(baseline);
      const cur = loadResults(current);
      const c = compareRuns(base, cur, thresholds, { allowEnvDiff: opts.allowEnvDiff });
      const md = comparisonMarkdown(c);
      const out = ensureOutputFile(opts.out ?? join(defaultReportsDir(), 'compare', `${c.baseline}-vs-${c.current}.md`), '--out');
      writeFileSync(out, md);
      process.stdout.write(`${md}\nwritten to ${out}\n`);
      // A gate that could not see everything must not pass, and must not look like a regression either.
      if (c.incomplete.length) throw new CannotCompareError(`cannot compare: ${c.incomplete.join('; ')}`);
      if (c.regressions) throw new RegressionFound(`${c.regressions} regression(s) beyond the allowed thresholds`);
    });
}
