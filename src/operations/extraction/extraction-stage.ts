import type { RunSession } from '../../pipeline/run-session.js';
import type { LayoutName } from '../../config/scenario-schema.js';
import { dedicatedTenants, HybridLayout } from '../../layouts/hybrid/hybrid-layout.js';
import type { LayoutContext } from '../../layouts/layout.js';
import { RlsLayout } from '../../layouts/rls/rls-layout.js';
import type { LayoutExtraction } from '../../results/extraction-schema.js';
import type { TenantPlan } from '../../../seed/tenant-plan.js';
import { extractTenant } from './extract-tenant.js';

const largest = (ts: readonly TenantPlan[]) => [...ts].sort((a, b) => b.rows - a.rows || a.index - b.index)[0];

/**
 * rls: the largest tenant moved into its own schema and into its own database; hybrid: the largest
 * pooled tenant promoted to the dedicated tier's placement. Other layouts have no pooled tenant to
 * move (null).
 */
export async function extractionFor(layout: LayoutName, ctx: LayoutContext, slug?: string): Promise<LayoutExtraction | null> {
  const pick = (ts: readonly TenantPlan[]) => (slug ? ts.find((t) => t.slug === slug) : largest(ts));
  if (layout === 'rls') {
    const t = pick(ctx.plan.tenants);
    if (!t) return null;
    const sourceDb = new RlsLayout().db(ctx);
    return {
      moves: [
        await extractTenant(ctx, t, { sourceDb, from: 'rls', to: 'schema' }),
        await extractTenant(ctx, t, { sourceDb, from: 'rls', to: 'database' }),
      ],
    };
  }
  if (layout === 'hybrid') {
    const dedicated = new Set(dedicatedTenants(ctx).map((t) => t.slug));
    const t = pick(ctx.plan.tenants.filter((x) => !dedicated.has(x.slug)));
    if (!t) return null;
    return {
      moves: [
        await extractTenant(ctx, t, {
          sourceDb: new HybridLayout().db(ctx),
          from: 'hybrid pooled tier',
          to: ctx.scenario.layoutOptions.hybrid.placement,
        }),
      ],
    };
  }
  return null;
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
