import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultReportsDir } from './reports-dir.js';
import { tableCsv } from './csv-tables.js';
import { htmlReport } from './html-report.js';
import type { LoadedResults } from './load-results.js';
import { markdownReport } from './markdown-report.js';
import { buildReportModel } from './report-model.js';
import type { ReportModel } from './report-model.js';
import { renderSvg, svgToPng } from './render-chart.js';

export { defaultReportsDir };

export interface WrittenReport {
  dir: string;
  model: ReportModel;
  files: string[];
}

function write(dir: string, name: string, data: string | Buffer, files: string[]): void {
  const p = join(dir, name);
  writeFileSync(`${p}.tmp`, data);
  renameSync(`${p}.tmp`, p);
  files.push(name);
}

/** reports/<run-id>/: report.md, report.html, one CSV per table, and per chart .vl.json, .svg, .png. */
export async function writeReport(results: LoadedResults, outDir?: string): Promise<WrittenReport> {
  const model = buildReportModel(results);
  const dir = resolve(outDir ?? join(defaultReportsDir(), results.runId));
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const t of model.tables) write(dir, `${t.id}.csv`, tableCsv(t), files);
  const svgs = new Map<string, string>();
  const pngs = new Map<string, string>();
  for (const c of model.charts) {
    // Rendering never waits on I/O: yield between charts so that Ctrl-C is handled mid-report.
    await new Promise((r) => setImmediate(r));
    write(dir, `${c.id}.vl.json`, `${JSON.stringify(c.spec, null, 2)}\n`, files);
    const svg = await renderSvg(c.spec);
    svgs.set(c.id, svg);
    write(dir, `${c.id}.svg`, svg, files);
    write(dir, `${c.id}.png`, svgToPng(svg), files);
    pngs.set(c.id, `${c.id}.png`);
  }
  write(dir, 'report.md', markdownReport(model, pngs), files);
  write(dir, 'report.html', htmlReport(model, svgs), files);
  return { dir, model, files };
}
