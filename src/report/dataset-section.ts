/**
 * Dataset check: per-tenant checksums computed by the server in every layout, and whether they agree.
 */
import type { Summary } from '../results/summary-schema.js';
import { NOT_MEASURED } from './not-measured.js';
import { layoutEntries, type Section, sectionOf, type Table } from './section.js';

export function datasetSection(s: Summary): Section | null {
  const layouts = layoutEntries(s);
  const tables: Table[] = [];
  const ds = s.dataset;
  tables.push({
    id: 'dataset',
    title: 'Dataset check',
    description:
      'Per-tenant checksums computed by the server in every layout (row counts and a 64-bit hash sum of the data columns, tenant_id excluded).',
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'rows', label: 'rows', digits: 0 },
      { key: 'checksum', label: 'dataset checksum' },
      { key: 'matches', label: 'matches the others' },
    ],
    rows: layouts.map(([name, l]) => ({
      layout: name,
      rows: l.rows,
      checksum: l.checksum ?? NOT_MEASURED,
      matches: l.checksum === null ? NOT_MEASURED : ds.mismatches.some((m) => m.layout === name) ? 'NO' : 'yes',
    })),
    notes: [
      ds.identicalAcrossLayouts === true
        ? `Identical across ${ds.layoutsCompared.join(', ')}: dataset checksum ${ds.checksum}.`
        : ds.identicalAcrossLayouts === false
          ? `${ds.mismatches.length} mismatches: see summary.json dataset.mismatches.`
          : 'No layout was checked.',
    ],
  });
  return sectionOf(tables);
}
