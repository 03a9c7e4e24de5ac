import { createHash } from 'node:crypto';
import type { LayoutName } from './config/scenario-schema.js';
import type { TableChecksums } from './layouts/layout.js';
import type { DatasetPlan } from '../seed/tenant-plan.js';
import { TENANT_TABLES } from '../seed/tenant-plan.js';
import type { DatasetSummary } from './results/summary-schema.js';

/** A tenant's checksum: sha256 over its tables' row counts and hash sums (first 16 hex digits). */
export function tenantChecksum(t: TableChecksums): string {
  const text = TENANT_TABLES.map((table) => `${table}:${t[table].rows}:${t[table].hash}`).join('|');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The dataset checksum: sha256 over every tenant's slug and checksum, in slug order. */
export function datasetChecksum(perTenant: Map<string, TableChecksums>): string {
  const lines = [...perTenant.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([slug, t]) => `${slug}:${tenantChecksum(t)}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/**
 * Compare every layout's per-tenant checksums with the plan (row counts) and with the first layout
 * checked (hashes). Any difference is listed; none means the datasets are identical.
 */
export function compareLayouts(plan: DatasetPlan, byLayout: ReadonlyMap<LayoutName, Map<string, TableChecksums>>): DatasetSummary {
  const layouts = [...byLayout.keys()];
  const reference = layouts.length ? byLayout.get(layouts[0]!)! : null;
  const mismatches: DatasetSummary['mismatches'] = [];
  for (const layout of layouts) {
    const sums = byLayout.get(layout)!;
    const known = new Set(plan.tenants.map((t) => t.slug));
    for (const slug of sums.keys()) {
      if (!known.has(slug)) {
        for (const table of TENANT_TABLES) {
          const got = sums.get(slug)![table];
          if (got.rows)
            mismatches.push({ tenant: slug, layout, table, expectedRows: 0, rows: got.rows, hash: got.hash, referenceHash: null });
        }
      }
    }
    for (const t of plan.tenants) {
      const got = sums.get(t.slug);
      const ref = reference?.get(t.slug);
      for (const table of TENANT_TABLES) {
        const g = got?.[table];
        const r = ref?.[table];
        if (!g || g.rows !== t.counts[table] || (r && g.hash !== r.hash)) {
          mismatches.push({
            tenant: t.slug,
            layout,
            table,
            expectedRows: t.counts[table],
            rows: g?.rows ?? null,
            hash: g?.hash ?? null,
            referenceHash: r?.hash ?? null,
          });
        }
      }
    }
  }
  return {
    checksum: reference ? datasetChecksum(reference) : null,
    identicalAcrossLayouts: layouts.length ? mismatches.length === 0 : null,
    layoutsCompared: layouts,
    mismatches,
    tenants: plan.tenants.map((t) => ({
      slug: t.slug,
      id: t.id,
      plan: t.plan,
      rows: t.rows,
      checksum: reference?.get(t.slug) ? tenantChecksum(reference.get(t.slug)!) : null,
    })),
  };
}
