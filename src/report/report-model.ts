/**
 * The report as data: the sections' tables (with units) and chart specs, built from a results
 * bundle only. Markdown, CSV, HTML, charts and the terminal are renderings of this one model, so
 * their numbers agree.
 */
import type { LoadedResults } from './load-results.js';
import type { Chart, Table } from './section.js';
import { SECTIONS } from './sections.js';

export interface ReportModel {
  runId: string;
  title: string;
  status: string;
  error: string | null;
  tables: Table[];
  charts: Chart[];
}

export function buildReportModel(r: LoadedResults): ReportModel {
  const s = r.summary;
  const sections = SECTIONS.map((build) => build(s, r.environment)).filter((x) => x !== null);
  return {
    runId: r.runId,
    title: `tenantbench report: ${s.scenario.name} (${r.runId})`,
    status: s.status,
    error: s.error,
    tables: sections.flatMap((x) => x.tables),
    charts: sections.flatMap((x) => x.charts),
  };
}
