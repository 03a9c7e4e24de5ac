import type { ResolvedWorkload } from '../config/load-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { LayoutContext } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { hash32 } from '../../seed/prng.js';
import { driveHttp } from './http-load.js';
import type { HttpLoadResult } from './http-load.js';
import { makeTenantChooser } from './tenant-chooser.js';
import { startTenantHttpService } from './tenant-http-service.js';

/** One HTTP-level measurement of a layout: a fresh router, the service on loopback, autocannon. */
export async function measureHttp(ctx: LayoutContext, layout: LayoutName, w: ResolvedWorkload, repeat: number): Promise<HttpLoadResult> {
  const http = w.http;
  if (!http) throw new Error('the scenario has no workload.http');
  const impl = layoutOf(layout);
  const router = impl.router(ctx, { maxConnections: w.users });
  const locate = impl.locate(ctx);
  const seed = hash32(ctx.scenario.seed, 0x48, repeat);
  const service = await startTenantHttpService(
    { router, prepared: w.prepared, explicitTenantFilter: w.explicitTenantFilter, tenantColumn: (t) => locate(t).pooled },
    ctx.plan.tenants,
    seed,
  );
  try {
    return await driveHttp(service.url, makeTenantChooser(w.tenantChoice, ctx.plan.tenants), http.connections, http.durationSeconds, seed);
  } finally {
    await service.close();
    await router.close();
  }
}
