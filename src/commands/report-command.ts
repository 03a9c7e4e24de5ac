import type { Command } from 'commander';
import { loadResults } from '../report/load-results.js';
import { markdownTable } from '../report/markdown-report.js';
import { defaultReportsDir, writeReport } from '../report/write-report.js';
import { ensureOutputDir } from '../output-path.js';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InterruptedError } from '../errors.js';
import { interruptSignal, registerCleanup } from '../lifecycle.js';

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
      const dir = resolve(opts.out ?? join(defaultReportsDir(), loaded.runId));
      // Ctrl-C (or SIGTERM) mid-way exits 130/143 and leaves no half report: a folder this command
      // created is removed, in one that existed only the unfinished temporary files go.
      const existed = existsSync(dir);
      const removePartial = () => {
        if (!existed) rmSync(dir, { recursive: true, force: true });
        else if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith('.tmp')) rmSync(join(dir, f), { force: true });
      };
      const unregister = registerCleanup({ name: `partial report ${dir}`, cleanup: async () => removePartial(), emergency: removePartial });
      ensureOutputDir(dir, opts.out ? '--out' : 'reports folder');
      let r: Awaited<ReturnType<typeof writeReport>>;
      try {
        r = await writeReport(loaded, dir);
      } catch (err) {
        const signal = interruptSignal();
        throw signal ? new InterruptedError(signal) : err;
      }
      unregister();
      const main = r.model.tables.find((t) => t.id === 'main');
      if (main) process.stdout.write(`${markdownTable(main)}\n`);
      process.stdout.write(`report: ${r.dir}/report.md (and report.html, ${r.files.length - 2} more files)\n`);
    });
}
