/**
 * The tenant-aware HTTP service answers each tenant from its own scoped session, refuses requests
 * without a known tenant, and autocannon drives it end to end on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LayoutContext, TenantRouter } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import type { EmbeddedTarget } from '../src/target/embedded-target.js';
import { driveHttp } from '../src/workload/http-load.js';
import { makeTenantChooser } from '../src/workload/tenant-chooser.js';
import { startTenantHttpService, TENANT_HEADER } from '../src/workload/tenant-http-service.js';
import type { TenantHttpService } from '../src/workload/tenant-http-service.js';
import { startSeeded } from './seeded-target.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
let router: TenantRouter;
let service: TenantHttpService;

before(async () => {
  ({ target, ctx } = await startSeeded('rls', 'tbh'));
  router = layoutOf('rls').router(ctx, { maxConnections: 4 });
  service = await startTenantHttpService(
    { router, prepared: true, explicitTenantFilter: false, tenantColumn: (t) => layoutOf('rls').locate(ctx)(t).pooled },
    ctx.plan.tenants,
    1,
  );
});

after(async () => {
  await service?.close();
  await router?.close();
  await target?.stop();
});

describe('tenant HTTP service (rls layout)', () => {
  it('answers each tenant with its own orders only', async () => {
    for (const t of ctx.plan.tenants) {
      const res = await fetch(`${service.url}/recent-orders`, { headers: { [TENANT_HEADER]: t.slug } });
      assert.equal(res.status, 200);
      const rows = (await res.json()) as { id: string }[];
      for (const r of rows) {
        const id = Number(r.id);
        assert.ok(id >= t.idStart.orders && id < t.idStart.orders + t.counts.orders, `${t.slug}: order ${id}`);
      }
    }
  });

  it('refuses a request without a known tenant (400)', async () => {
    assert.equal((await fetch(`${service.url}/recent-orders`)).status, 400);
    assert.equal((await fetch(`${service.url}/recent-orders`, { headers: { [TENANT_HEADER]: 't9999' } })).status, 400);
    assert.equal((await fetch(`${service.url}/nope`, { headers: { [TENANT_HEADER]: 't0001' } })).status, 404);
  });

  it('is driven end to end by autocannon', async () => {
    const r = await driveHttp(service.url, makeTenantChooser({ kind: 'uniform' }, ctx.plan.tenants), 4, 1, 7);
    assert.ok(r.ok > 0, `2xx: ${r.ok}`);
    assert.equal(r.non2xx, 0);
    assert.equal(r.errors, 0);
    assert.ok(r.p50Ms <= r.p99Ms && r.p99Ms <= r.maxMs);
  });
});
