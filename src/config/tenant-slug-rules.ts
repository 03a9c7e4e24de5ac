/**
 * Tenant slugs given by hand (hybrid `dedicatedTenants`, placement `tenants`): each must be
 * written the way the harness writes it (t0001, not t00001: a different string the layouts would
 * never match) and name a tenant once.
 */
import type { z } from 'zod';
import { tenantSlug } from '../../seed/tenant-plan.js';

/** The problem with a list of slugs (the first one found), or null. */
export function tenantSlugListProblem(slugs: readonly string[]): string | null {
  const seen = new Map<number, string>();
  for (const slug of slugs) {
    const n = Number(slug.slice(1));
    if (!Number.isInteger(n) || n < 1) return `"${slug}" is not a tenant slug (t0001, t0002, ...)`;
    const canonical = tenantSlug(n - 1);
    if (slug !== canonical) return `"${slug}": write tenant ${n} as ${canonical}`;
    const before = seen.get(n);
    if (before !== undefined) return `tenant ${slug} is listed twice`;
    seen.set(n, slug);
  }
  return null;
}

/** zod superRefine for an array of slugs: the problem as an issue on the array's path. */
export function uniqueTenantSlugs(slugs: readonly string[], ctx: z.RefinementCtx): void {
  const problem = tenantSlugListProblem(slugs);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}
