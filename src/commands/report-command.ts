import type { Command } from 'commander';
import { loadResults } from '../report/load-results.js';
import { markdownTable } from '../report/markdown-report.js';
import { defaultReportsDir, writeReport } from '../report/write-report.js';
import { ensureOutputDir } from '../output-path.js';
import { join } from 'node:path';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'Build reports/<run-id>/ from a results bundle alone (never a live database): report.md, report.html (self-contained), ' +
        'one CSV per table, and Vega-Lite charts as .vl.json, SVG and PNG.',
    )
    .argument('<results>', 'a results/<run-id> folder or its summary.json')
    .option('-o, --out <dir>', 'output folder (default: reports/<run-id>)')
    .action(async (results: string, opts: { out?: string }) => {
      const loaded = loadResults(results);
      ensureOutputDir(opts.out ?? join(defaultReportsDir(), loaded.runId), opts.out ? '--out' : 'reports folder');
      const r = await writeReport(loaded, opts.out);
      const main = r.model.tables.find((t) => t.id === 'main');
      if (main) process.stdout.write(`${markdownTable(main)}\n`);
      process.stdout.write(`report: ${r.dir}/report.md (and report.html, ${r.files.length - 2} more files)\n`);
    });
}
