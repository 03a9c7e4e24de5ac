import type { RunSession } from '../../pipeline/run-session.js';
import type { LayoutName } from '../../config/scenario-schema.js';
import type { LayoutContext } from '../../layouts/layout.js';
import { layout as layoutOf } from '../../layouts/registry.js';
import type { LayoutExtraction } from '../../results/extraction-schema.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { extractTenant } from './extract-tenant.js';

const largest = (ts: readonly TenantPlan[]) => [...ts].sort((a, b) => b.rows - a.rows || a.index - b.index)[0];

/**
 * The largest pooled tenant (or `slug`) moved out of the layout's shared tables, to each place the
 * layout names (rls: its own schema, then its own database; hybrid: the dedicated tier's
 * placement). Layouts with no pooled tenant to move give null.
 */
export async function extractionFor(layout: LayoutName, ctx: LayoutContext, slug?: string): Promise<LayoutExtraction | null> {
  const x = layoutOf(layout).extraction(ctx);
  if (!x) return null;
  const t = slug ? x.tenants.find((t) => t.slug === slug) : largest(x.tenants);
  if (!t) return null;
  const moves: LayoutExtraction['moves'] = [];
  for (const to of x.to) moves.push(await extractTenant(ctx, t, { sourceDb: x.sourceDb, from: x.from, to }));
  return { moves };
}

export async function extractionStage(s: RunSession, opts: { tenant?: string } = {}): Promise<void> {
  for (const name of s.layouts) {
    const e = await extractionFor(name, s.ctx, opts.tenant);
    if (!e) continue;
    s.summary.layouts[name]!.extraction = e;
    s.flush();
    for (const m of e.moves) {
      s.out(
        `${name}: move ${m.tenant} ${m.from} -> own ${m.to}: ${m.status}${m.seconds.total !== null ? ` in ${m.seconds.total.toFixed(2)} s (copy ${m.seconds.copy?.toFixed(2)} s, ${m.rows} rows)` : ''}${m.error ? `: ${m.error}` : ''}`,
      );
    }
  }
}
