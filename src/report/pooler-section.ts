/**
 * Through PgBouncer: the pooler scenario's rows (summary.pooler), per-transaction against
 * session-level tenant context, with the leak probes of every measured window.
 */
import type { Summary } from '../results/summary-schema.js';
import { NOT_MEASURED, notMeasured } from './not-measured.js';
import type { Cell, Section } from './section.js';

export function poolerSection(s: Summary): Section | null {
  const p = s.pooler;
  if (!p) return null;
  const rows: Record<string, Cell>[] = p.rows.map((r) => {
    const figure = (v: number | null): Cell =>
      r.status === 'not measured'
        ? notMeasured(r.reason ?? 'no reason recorded')
        : r.status === 'failed'
          ? `failed: ${r.reason ?? ''}`
          : (v ?? notMeasured(r.reason ?? 'no valid repeat'));
    const leaked = r.leakProbes?.leaked ?? null;
    return {
      layout: r.layout,
      context: r.context,
      route: r.route === 'pgbouncer' ? `PgBouncer (${p.poolMode})` : 'direct',
      requests: figure(r.requests),
      p50: figure(r.p50Ms),
      p99: figure(r.p99Ms),
      probes: r.leakProbes ? r.leakProbes.probes : r.status === 'not measured' ? notMeasured(r.reason ?? '') : NOT_MEASURED,
      leaked: leaked === null ? NOT_MEASURED : leaked > 0 ? `${leaked} LEAKED` : 0,
      expected: r.expected,
    };
  });
  const first = p.rows.find((r) => r.context === 'session-level' && r.route === 'pgbouncer' && r.leakProbes?.firstLeak)?.leakProbes
    ?.firstLeak;
  const table = {
    id: 'pooler',
    title: 'Through PgBouncer: per-transaction vs session-level tenant context',
    description:
      `The workload through PgBouncer ${p.version} in ${p.poolMode} mode (default_pool_size ${p.poolSize} per database and role) and on direct connections, with read-type leak probes in every measured window. ` +
      "per-transaction: the layout's own router (BEGIN; set_config(..., true) or SET LOCAL). session-level: the tenant set once per client connection with a session-level SET, then BEGIN ... COMMIT.",
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'context', label: 'tenant context' },
      { key: 'route', label: 'route' },
      { key: 'requests', label: 'requests', digits: 0 },
      { key: 'p50', label: 'P50', unit: 'ms', digits: 2 },
      { key: 'p99', label: 'P99', unit: 'ms', digits: 2 },
      { key: 'probes', label: 'leak probes', digits: 0 },
      { key: 'leaked', label: 'leaks seen', digits: 0 },
      { key: 'expected', label: 'expected' },
    ],
    rows,
    notes: [
      `Per-transaction context: ${p.leaks.perTransaction} leaks (any leak fails the run). Session-level context through PgBouncer: ${p.leaks.sessionLevelThroughPooler} leaks, the expected finding: a server connection carries the last client's SET into other clients' transactions (server_reset_query is not run between transactions in ${p.poolMode} mode). Session-level on direct connections: ${p.leaks.sessionLevelDirect}.`,
      ...(first ? [`First session-level leak: ${first.probe} as ${first.tenant}: ${first.detail}.`] : []),
      `Statements: ${p.preparedReason}.`,
      ...(p.sessionLevelMix
        ? [
            `Session-level segments run the mix's read queries only (${Object.keys(p.sessionLevelMix).join(', ')}): a leaked context would write into another tenant.`,
          ]
        : []),
      ...(p.workloadThroughPooler
        ? ['The workload tables of this report were measured through PgBouncer with per-transaction context.']
        : []),
      'Session-level segments keep a client connection per tenant (at most users + 1) and open a new one on most tenant switches (the leak probes discard theirs): their latency is mostly connection set-up, not comparable with the per-transaction rows.',
      'Requests and percentiles count valid repeats only (closed loop, response time); leak probes count every repeat.',
    ],
  };
  return { tables: [table], charts: [] };
}
