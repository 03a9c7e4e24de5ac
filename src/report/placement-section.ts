/**
 * Placement: several servers, where each tenant's own database was placed, and what each server held at the end.
 */
import type { Summary } from '../results/summary-schema.js';
import { NOT_MEASURED } from './not-measured.js';
import { MB, type Section, type Table } from './section.js';

export function placementSection(s: Summary): Section | null {
  const p = s.placement;
  if (!p) return null;
  const table: Table = {
    id: 'placement',
    title: 'Placement',
    description: `Tenant databases (database layout, hybrid's dedicated tier) on ${p.servers.length} servers (${p.source}, rule ${p.rule}); the other layouts live on the primary. Each server has its own connection cap.`,
    columns: [
      { key: 'server', label: 'server' },
      { key: 'address', label: 'host:port' },
      { key: 'version', label: 'PostgreSQL' },
      { key: 'tenants', label: 'tenants' },
      { key: 'databases', label: 'databases', digits: 0 },
      { key: 'tenantDatabases', label: 'tenant databases', digits: 0 },
      { key: 'mb', label: 'size', unit: 'MB', digits: 1 },
    ],
    rows: p.servers.map((sv) => ({
      server: `${sv.name}${sv.primary ? ' (primary)' : ''}`,
      address: `${sv.host}:${sv.port}`,
      version: sv.serverVersion ?? NOT_MEASURED,
      tenants: sv.tenants.join(' ') || 'none',
      databases: sv.databases,
      tenantDatabases: sv.tenantDatabases,
      mb: sv.databaseBytes === null ? null : sv.databaseBytes / MB,
    })),
    notes: p.reason ? [p.reason] : [],
  };
  return { tables: [table], charts: [] };
}
