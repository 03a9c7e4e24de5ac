import type { TenantPlan } from '../../seed/tenant-plan.js';
import { hash32, mulberry32 } from '../../seed/prng.js';
import { TENANT_HEADER } from './tenant-http-service.js';
import type { Rnd } from './workload-query.js';

export interface HttpLoadResult {
  /** autocannon's latency percentiles (its histogram has 1 ms resolution), ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requestsPerS: number;
  /** 2xx responses. */
  ok: number;
  /** Non-2xx responses (400/503: see the service). */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
}

/**
 * Drive the tenant HTTP service with autocannon (closed loop, `connections` keep-alive
 * connections), a tenant per request from `chooseTenant` via the x-tenant header. autocannon runs
 * in this process, so the client and the service share one event loop: the figures include both.
 */
export async function driveHttp(
  url: string,
  chooseTenant: (rnd: Rnd) => TenantPlan,
  connections: number,
  durationSeconds: number,
  seed: number,
): Promise<HttpLoadResult> {
  const rnd = mulberry32(hash32(seed, 0x4c));
  // Loaded here, not at start-up (every CLI start paid ~0.1 s for it).
  const { default: autocannon } = await import('autocannon');
  const r = await autocannon({
    url: `${url}/recent-orders`,
    connections,
    duration: durationSeconds,
    requests: [
      {
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, [TENANT_HEADER]: chooseTenant(rnd).slug } }),
      },
    ],
  });
  return {
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    requestsPerS: r['2xx'] / r.duration,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
  };
}
