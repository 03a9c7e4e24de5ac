import { markdownTable } from './markdown-report.js';
import type { Section } from './section.js';

/**
 * A report section as a stage prints it at the end of its run: each table (or only those named)
 * as the report's Markdown, then its notes. Stages render the report's own sections from the
 * summary they hold instead of building tables of their own.
 */
export function sectionLines(section: Section | null, ids?: readonly string[]): string[] {
  const lines: string[] = [];
  for (const t of section?.tables ?? []) {
    if (ids && !ids.includes(t.id)) continue;
    if (lines.length) lines.push('');
    if (t.rows.length) lines.push(...markdownTable(t).split('\n'));
    for (const n of t.notes) lines.push(`- ${n}`);
  }
  return lines;
}
