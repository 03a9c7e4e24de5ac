import { formatCell, header } from './format-cell.js';
import { chartsAfter, closingCharts, type ReportModel } from './report-model.js';
import type { Chart } from './section.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function figures(charts: readonly Chart[], svgs: Map<string, string>): string[] {
  return charts.flatMap((c) => {
    const svg = svgs.get(c.id);
    return svg ? [`<figure id="chart-${esc(c.id)}" class="chart">${svg}<figcaption>${esc(c.title)}</figcaption></figure>`] : [];
  });
}

/**
 * One self-contained page: tables and inline SVG charts, no script, no external request, so it
 * opens from disk or as an attachment.
 */
export function htmlReport(m: ReportModel, svgs: Map<string, string>): string {
  const parts: string[] = [];
  if (m.status !== 'ok')
    parts.push(
      `<p class="warn">Run status: <b>${esc(m.status)}</b>${m.error ? `: ${esc(m.error)}` : ''}. Figures below are what was measured before it stopped.</p>`,
    );
  for (const t of m.tables) {
    parts.push(`<section id="${esc(t.id)}"><h2>${esc(t.title)}</h2><p>${esc(t.description)}</p>`);
    if (t.display === 'paragraphs') {
      for (const r of t.rows) {
        const [head, ...rest] = t.columns.map((c) => esc(formatCell(r[c.key] ?? null, c)));
        parts.push(`<p class="verdict"><b>${head}</b> ${rest.join(' ')}</p>`);
      }
    } else if (t.rows.length) {
      const head = t.columns.map((c) => `<th${c.digits !== undefined ? ' class="num"' : ''}>${esc(header(c))}</th>`).join('');
      const body = t.rows
        .map(
          (r) =>
            `<tr>${t.columns.map((c) => `<td${c.digits !== undefined ? ' class="num"' : ''}>${esc(formatCell(r[c.key] ?? null, c))}</td>`).join('')}</tr>`,
        )
        .join('\n');
      parts.push(`<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`);
    }
    if (t.notes.length) parts.push(`<ul class="notes">${t.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
    parts.push(...figures(chartsAfter(m, t.id), svgs), '</section>');
  }
  const closing = closingCharts(m);
  if (closing.length) parts.push('<section id="charts"><h2>Charts</h2>', ...figures(closing, svgs), '</section>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(m.title)}</title>
<style>
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
th{background:#f3f3f3}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.notes{color:#555;font-size:.9rem}.warn{background:#fff3cd;padding:.5rem 1rem;border:1px solid #e0c36a}
figure.chart{margin:1rem 0}p.verdict{max-width:60rem;line-height:1.45}figcaption{color:#555;font-size:.9rem}
</style></head>
<body><h1>${esc(m.title)}</h1>
${parts.join('\n')}
</body></html>
`;
}
