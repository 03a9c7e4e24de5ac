import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { TenantRouter, TenantSession } from '../layouts/layout.js';
import { publishQueue, queueCells, queueProbe } from './generator-thread-queue.js';

/** A router with one queue: acquire() queues synchronously until open() hands a session. */
function fakeRouter() {
  const queue: ((s: TenantSession) => void)[] = [];
  const session = (tenant: TenantPlan): TenantSession => ({
    tenant,
    needsTenantFilter: false,
    query: async () => ({ rows: [] }) as never,
    release: async () => {
      // The connection goes to the next queued request, as pg-pool's release does.
      queue.shift()?.(session(tenant));
    },
  });
  const router: TenantRouter = {
    waiting: () => queue.length,
    acquire: () => new Promise<TenantSession>((r) => queue.push(r)),
    stats: () => ({ open: 1, peakOpen: 1, opened: 1, closed: 0, waits: 0 }),
    close: async () => {},
  };
  return { router, first: (tenant: TenantPlan) => queue.shift()!(session(tenant)) };
}

const tenant = { slug: 't1' } as TenantPlan;

describe('generator thread queues', () => {
  it('each thread publishes its queue at acquire start, acquire end and release; the probe sums them', async () => {
    const cells = queueCells(2);
    const probe = queueProbe(cells);
    const a = fakeRouter();
    const b = fakeRouter();
    const ra = publishQueue(a.router, cells, 0);
    const rb = publishQueue(b.router, cells, 1);
    assert.equal(probe(), 0);
    const p1 = ra.acquire(tenant);
    const p2 = ra.acquire(tenant);
    rb.acquire(tenant);
    assert.equal(probe(), 3, 'queued at acquire start, in both threads');
    a.first(tenant);
    const s1 = await p1;
    assert.equal(probe(), 2, 'acquire end');
    assert.equal(s1.tenant, tenant);
    assert.equal(s1.needsTenantFilter, false);
    assert.equal(s1.acquisition, undefined);
    await s1.release();
    assert.equal(probe(), 1, 'release handed the connection to the queued request');
    await p2;
    assert.equal(ra.waiting?.(), 0);
    assert.deepEqual(ra.stats(), a.router.stats());
  });

  it('a failed acquire or release still publishes; a router without one queue is left as it is', async () => {
    const cells = queueCells(1);
    const view = new Int32Array(cells);
    let n = 0;
    const failing: TenantRouter = {
      waiting: () => n,
      acquire: async () => {
        n = 0;
        throw new Error('refused');
      },
      stats: () => ({ open: 0, peakOpen: 0, opened: 0, closed: 0, waits: 0 }),
      close: async () => {},
    };
    Atomics.store(view, 0, 5);
    await assert.rejects(publishQueue(failing, cells, 0).acquire(tenant), /refused/);
    assert.equal(Atomics.load(view, 0), 0);
    const breaking: TenantRouter = {
      ...failing,
      acquire: async (t) => ({
        tenant: t,
        needsTenantFilter: true,
        query: async () => ({ rows: [] }) as never,
        release: async () => {
          n = 2;
          throw new Error('connection lost');
        },
      }),
    };
    const s = await publishQueue(breaking, cells, 0).acquire(tenant);
    await assert.rejects(s.release(), /connection lost/);
    assert.equal(Atomics.load(view, 0), 2);
    const perTenant: TenantRouter = { ...failing, waiting: undefined };
    assert.equal(publishQueue(perTenant, cells, 0), perTenant);
  });
});
