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

/** The charts shown right after this table (Chart.after), in model order. */
export function chartsAfter(m: ReportModel, tableId: string): Chart[] {
  return m.charts.filter((c) => c.after === tableId);
}

/** The charts of the closing "Charts" part: those not placed after a table of the report. */
export function closingCharts(m: ReportModel): Chart[] {
  const ids = new Set(m.tables.map((t) => t.id));
  return m.charts.filter((c) => !c.after || !ids.has(c.after));
}

export function buildReportModel(r: LoadedResults): ReportModel {
  const s = r.summary;
  const sections = SECTIONS.map((build) => build(s, r.environment, r.files)).filter((x) => x !== null);
  return {
    runId: r.runId,
    title: `tenantbench report: ${s.scenario.name} (${r.runId})`,
    status: s.status,
    error: s.error,
    tables: sections.flatMap((x) => x.tables),
    charts: sections.flatMap((x) => x.charts),
  };
}
