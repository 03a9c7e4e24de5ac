import type { TenantPlan } from '../../../seed/tenant-plan.js';

/** `fn` computed once per tenant (by slug): a layout's `locate` answer may be asked per request. */
export function memoByTenant<T>(fn: (t: TenantPlan) => T): (t: TenantPlan) => T {
  const seen = new Map<string, T>();
  return (t) => {
    let v = seen.get(t.slug);
    if (v === undefined) {
      v = fn(t);
      seen.set(t.slug, v);
    }
    return v;
  };
}
