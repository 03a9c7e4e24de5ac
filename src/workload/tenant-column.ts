import type { LayoutName } from '../config/scenario-schema.js';
import { dedicatedTenants } from '../layouts/hybrid/hybrid-layout.js';
import type { LayoutContext } from '../layouts/layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';

/**
 * Whether a tenant's tables in a layout carry tenant_id (pooled tables), which inserts must fill.
 * Reads never need it (the session's `needsTenantFilter` says when to filter); only writes do.
 */
export function tenantColumnOf(layout: LayoutName, ctx: Pick<LayoutContext, 'plan' | 'scenario'>): (t: TenantPlan) => boolean {
  switch (layout) {
    case 'shared':
    case 'rls':
      return () => true;
    case 'schema':
    case 'database':
      return () => false;
    case 'hybrid': {
      const dedicated = new Set(dedicatedTenants(ctx).map((t) => t.slug));
      return (t) => !dedicated.has(t.slug);
    }
  }
}
