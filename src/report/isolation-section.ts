/**
 * Isolation probes: each probe's outcome per layout, from the verifier's run; per layout, which
 * findings its strategy leaves (inherent) and which it closed (blocked here, a finding in another
 * layout of the run); and what the routers' reset on release costs, from the workload's
 * micro-measurement (issue 14).
 */
import type { Summary } from '../results/summary-schema.js';
import { NOT_MEASURED, notMeasured } from './not-measured.js';
import { type Cell, type Section, sectionOf, type Table } from './section.js';

type Isolation = NonNullable<Summary['isolation']>;

function probeTable(iso: Isolation): Table {
  const probeIds = [...new Set(Object.values(iso.layouts).flatMap((l) => l?.probes.map((p) => p.id) ?? []))];
  return {
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
  };
}

/** Per layout: the findings left (inherent to its strategy) and the ones it closed that another layout of the run has. */
function findingsTable(iso: Isolation): Table | null {
  const ok = Object.entries(iso.layouts).filter(([, l]) => l?.status === 'ok' && l.probes.length);
  if (!ok.length) return null;
  const findingSomewhere = new Set(ok.flatMap(([, l]) => l!.probes.filter((p) => p.outcome === 'finding').map((p) => p.id)));
  return {
    id: 'isolation-findings',
    title: 'Isolation findings per layout: inherent to the strategy, and closed by the layout',
    description:
      "inherent: what the layout's strategy leaves open (one login role for many tenants, tables or a database shared by tenants, one id counter); each finding's text in isolation.csv says what leaks and what closes it. " +
      'closed: a finding in another layout of this run, blocked here (for example by a login role per tenant, or a database per tenant).',
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'inherent', label: 'findings (inherent to the strategy)' },
      { key: 'closed', label: 'closed by the layout' },
    ],
    rows: ok.map(([layout, l]) => ({
      layout,
      inherent:
        l!.probes
          .filter((p) => p.outcome === 'finding')
          .map((p) => p.id)
          .join(', ') || 'none',
      closed:
        l!.probes
          .filter((p) => p.outcome === 'blocked' && findingSomewhere.has(p.id))
          .map((p) => p.id)
          .join(', ') || 'none',
    })),
    notes: [],
  };
}

/** The reset on release per layout: its round trip with and without the reset. */
function resetTable(s: Summary): Table | null {
  const rows = Object.entries(s.workload?.layouts ?? {}).filter(([, l]) => l?.resetOnRelease);
  if (!rows.length) return null;
  return {
    id: 'reset-on-release',
    title: 'Reset on release: what returning a connection clean costs',
    description:
      `Every router returns connections clean: \`${rows[0]![1]!.resetOnRelease!.mechanism}\` in the COMMIT's round trip (a connection holding SQL-level prepared statements is closed instead). ` +
      "Measured before the repeats on one connection as the layout's login: the release round trip with COMMIT alone and with the reset, interleaved; cost = the difference of the P50s.",
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'commit', label: 'COMMIT P50', unit: 'ms', digits: 3 },
      { key: 'reset', label: 'COMMIT + reset P50', unit: 'ms', digits: 3 },
      { key: 'cost', label: 'reset cost P50', unit: 'ms', digits: 3 },
      { key: 'samples', label: 'samples each' },
    ],
    rows: rows.map(([layout, l]) => {
      const r = l!.resetOnRelease!;
      return {
        layout,
        commit: r.commitP50Ms ?? r.reason ?? NOT_MEASURED,
        reset: r.commitResetP50Ms ?? r.reason ?? NOT_MEASURED,
        cost: r.costP50Ms ?? r.reason ?? NOT_MEASURED,
        samples: r.samples,
      };
    }),
    notes: [],
  };
}

export function isolationSection(s: Summary): Section | null {
  const tables: Table[] = [];
  if (s.isolation) {
    tables.push(probeTable(s.isolation));
    const f = findingsTable(s.isolation);
    if (f) tables.push(f);
  }
  const r = resetTable(s);
  if (r) tables.push(r);
  return sectionOf(tables);
}
