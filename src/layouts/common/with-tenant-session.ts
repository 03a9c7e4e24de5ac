import type { TenantPlan } from '../../../seed/tenant-plan.js';
import type { TenantRouter, TenantSession } from '../layout.js';

/**
 * `fn` in one tenant's session from `router`: committed and given back when it returns; on a throw,
 * released with the error (rolled back, the connection discarded) and the error rethrown.
 */
export async function withTenantSession<T>(router: TenantRouter, tenant: TenantPlan, fn: (s: TenantSession) => Promise<T>): Promise<T> {
  const s = await router.acquire(tenant);
  try {
    const out = await fn(s);
    await s.release();
    return out;
  } catch (err) {
    await s.release(err);
    throw err;
  }
}
