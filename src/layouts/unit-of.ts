import type { Layout, LayoutContext, TableUnit } from './layout.js';

/** The table unit holding a tenant's rows. */
export function unitOf(layout: Layout, ctx: LayoutContext, slug: string): TableUnit {
  const u = layout.tableUnits(ctx).find((x) => x.tenants.some((t) => t.slug === slug));
  if (!u) throw new Error(`tenant ${slug} is not in layout ${layout.name}`);
  return u;
}
