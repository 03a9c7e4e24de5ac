import { formatCell, header } from './format-cell.js';
import { chartsAfter, closingCharts, type ReportModel } from './report-model.js';
import type { Chart, Table } from './section.js';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(t: Table): string {
  const cols = t.columns;
  const align = cols.map((c) => (c.digits !== undefined || c.unit ? '---:' : '---'));
  const lines = [`| ${cols.map((c) => esc(header(c))).join(' | ')} |`, `|${align.join('|')}|`];
  for (const row of t.rows) lines.push(`| ${cols.map((c) => esc(formatCell(row[c.key] ?? null, c))).join(' | ')} |`);
  return lines.join('\n');
}

/** A row of a paragraphs table: "**first column.** the others". */
function paragraph(t: Table, r: Table['rows'][number]): string {
  const [head, ...rest] = t.columns.map((c) => formatCell(r[c.key] ?? null, c));
  return `**${head}** ${rest.join(' ')}`;
}

function images(charts: readonly Chart[], files: Map<string, string>): string[] {
  return charts.flatMap((c) => {
    const file = files.get(c.id);
    return file ? [`![${c.title}](${file})`, ''] : [];
  });
}

/** report.md: the main table first, then the details, each with its unit and notes. */
export function markdownReport(m: ReportModel, chartFiles: Map<string, string>): string {
  const out: string[] = [`# ${m.title}`, ''];
  if (m.status !== 'ok')
    out.push(`> Run status: **${m.status}**${m.error ? `: ${m.error}` : ''}. Figures below are what was measured before it stopped.`, '');
  for (const t of m.tables) {
    out.push(`## ${t.title}`, '', t.description, '');
    if (t.display === 'paragraphs') for (const r of t.rows) out.push(paragraph(t, r), '');
    else if (t.rows.length) out.push(markdownTable(t), '');
    for (const n of t.notes) out.push(`- ${n}`);
    if (t.notes.length) out.push('');
    out.push(...images(chartsAfter(m, t.id), chartFiles));
  }
  const closing = closingCharts(m);
  if (closing.length) out.push('## Charts', '', ...images(closing, chartFiles));
  return out.join('\n');
}
