import type { TenantRouter } from '../layouts/layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';

/**
 * Hold `n` sessions at once (different tenants, round robin), then release them all: a running
 * service's pool is already full, so connection set-up (tens of ms) must not land in the measured
 * window of a short warm-up.
 */
export async function prewarm(router: TenantRouter, tenants: readonly TenantPlan[], n: number): Promise<void> {
  const sessions = await Promise.allSettled(Array.from({ length: n }, (_, i) => router.acquire(tenants[i % tenants.length]!)));
  await Promise.all(sessions.map((s) => (s.status === 'fulfilled' ? s.value.release().catch(() => {}) : undefined)));
}
