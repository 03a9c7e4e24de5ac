/**
 * Isolation probes: each probe's outcome per layout, from the verifier's run.
 */
import type { Summary } from '../results/summary-schema.js';
import { NOT_MEASURED, notMeasured } from './not-measured.js';
import { type Cell, type Section, sectionOf, type Table } from './section.js';

export function isolationSection(s: Summary): Section | null {
  const tables: Table[] = [];
  const iso = s.isolation;
  if (iso) {
    const probeIds = [...new Set(Object.values(iso.layouts).flatMap((l) => l?.probes.map((p) => p.id) ?? []))];
    tables.push({
      id: 'isolation',
      title: 'Isolation probes',
      description:
        "Each probe connects as the application does (the layout's unprivileged role and router) and tries to cross the tenant boundary. " +
        "blocked: the boundary held; LEAKED: another tenant's rows were reached; finding: a documented weakness; n/a: does not apply to the layout.",
      columns: [{ key: 'probe', label: 'probe' }, ...Object.keys(iso.layouts).map((l) => ({ key: l, label: l }))],
      rows: probeIds.map((id) => {
        const row: Record<string, Cell> = { probe: id };
        for (const [layout, l] of Object.entries(iso.layouts)) {
          const o = l?.probes.find((p) => p.id === id)?.outcome;
          row[layout] = o === undefined ? NOT_MEASURED : o === 'leaked' ? 'LEAKED' : o === 'not-applicable' ? 'n/a' : o;
        }
        return row;
      }),
      notes: [
        `${iso.blocked} blocked, ${iso.leaked} leaked, ${iso.findings} findings over ${Object.keys(iso.layouts).length} layouts.`,
        ...Object.entries(iso.layouts)
          .filter(([, l]) => l?.status === 'failed')
          .map(([name, l]) => `${name}: ${notMeasured(`verifier failed (${l?.reason ?? 'no reason recorded'})`)}`),
      ],
    });
  }
  return sectionOf(tables);
}
