import { formatCell, header } from './format-cell.js';
import type { ReportModel } from './report-model.js';
import type { Table } from './section.js';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(t: Table): string {
  const cols = t.columns;
  const align = cols.map((c) => (c.digits !== undefined || c.unit ? '---:' : '---'));
  const lines = [`| ${cols.map((c) => esc(header(c))).join(' | ')} |`, `|${align.join('|')}|`];
  for (const row of t.rows) lines.push(`| ${cols.map((c) => esc(formatCell(row[c.key] ?? null, c))).join(' | ')} |`);
  return lines.join('\n');
}

/** report.md: the main table first, then the details, each with its unit and notes. */
export function markdownReport(m: ReportModel, chartFiles: Map<string, string>): string {
  const out: string[] = [`# ${m.title}`, ''];
  if (m.status !== 'ok')
    out.push(`> Run status: **${m.status}**${m.error ? `: ${m.error}` : ''}. Figures below are what was measured before it stopped.`, '');
  for (const t of m.tables) {
    out.push(`## ${t.title}`, '', t.description, '');
    if (t.rows.length) out.push(markdownTable(t), '');
    for (const n of t.notes) out.push(`- ${n}`);
    if (t.notes.length) out.push('');
  }
  if (m.charts.length) {
    out.push('## Charts', '');
    for (const c of m.charts) {
      const file = chartFiles.get(c.id);
      if (file) out.push(`![${c.title}](${file})`, '');
    }
  }
  return out.join('\n');
}
