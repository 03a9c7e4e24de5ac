/**
 * Open-loop latency runs from the *intended* start: a request the generator sends late (here the
 * event loop is stalled for 300 ms inside the measured window, so every request due meanwhile is
 * sent when the stall ends) counts its lateness in its response time, and is counted late. Timed
 * from the actual send, the same requests would look fast (coordinated omission). The router
 * answers at once and never queues, so the only delay there is to see is the generator's own.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { planDataset } from '../../seed/tenant-plan.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { TenantRouter, TenantSession } from '../layouts/layout.js';
import { CompiledMix } from './compiled-mix.js';
import { openLoop } from './open-loop.js';
import { WHOLE_LOAD } from './generator-thread-share.js';
import { makeTenantChooser, tenantClasses } from './tenant-chooser.js';
import { WorkloadRecorder } from './workload-recorder.js';

const plan = planDataset({ seed: 2, tenants: 4, rows: 400, sizes: { kind: 'uniform' } });

/** Every round trip resolves on a microtask: no queueing, no connection limit. */
const immediateRouter: TenantRouter = {
  async acquire(tenant: TenantPlan): Promise<TenantSession> {
    const roundTrip = async () => ({ rows: [], rowCount: 0 }) as never;
    return { tenant, needsTenantFilter: true, query: roundTrip, release: async () => {} };
  },
  stats: () => ({ open: 1, peakOpen: 1, opened: 1, closed: 0, waits: 0 }),
  close: async () => {},
};

/** Block the event loop for `ms` (what a GC pause or a busy generator does to the schedule). */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('open loop: latency from the intended start', () => {
  it('a request sent late counts its lateness (response time, late count, schedule lateness)', async () => {
    const mix = new CompiledMix({ 'recent-orders': 1 }, true);
    const recorder = new WorkloadRecorder(mix.queries.length, tenantClasses(plan.tenants));
    const warmupMs = 200;
    const stallMs = 300;
    // The stall begins 400 ms into the 1.2 s measured window.
    const timer = setTimeout(() => stall(stallMs), warmupMs + 400);
    await openLoop(
      {
        mix,
        chooseTenant: makeTenantChooser({ kind: 'uniform' }, plan.tenants),
        request: { router: immediateRouter, prepared: true, explicitTenantFilter: false, tenantColumn: () => true },
        ids: { next: () => 0 },
        recorder,
        seed: 5,
        share: WHOLE_LOAD,
        warmupMs,
        durationMs: 1200,
        intervalMs: 1000,
        health: { lastOkAt: performance.now(), connectionErrors: 0, abortReason: null },
      },
      { ratePerS: 500, arrival: 'fixed', lateMs: 50, maxBacklog: 100_000, blockWhenIdle: false },
    );
    clearTimeout(timer);
    const q = recorder.queries[0]!;
    // ~600 requests in the window; ~150 were due during the stall, ~125 of them more than 50 ms
    // before it ended, ~100 more than 100 ms before.
    assert.ok(q.ok >= 400, `${q.ok} requests`);
    assert.ok(q.response.maxMs()! >= stallMs * 0.8, `max response ${q.response.maxMs()} ms includes the ${stallMs} ms stall`);
    assert.ok(q.response.percentileMs(95)! >= 100, `P95 ${q.response.percentileMs(95)} ms: the late requests' wait is counted`);
    assert.ok(q.late >= 50, `${q.late} requests counted late`);
    assert.ok(q.lateness.maxMs()! >= stallMs * 0.8, `schedule lateness ${q.lateness.maxMs()} ms recorded`);
    // Service time (session in hand to COMMIT) does not include the schedule's delay: the late
    // requests' response times are not explained by their service (a loose bound: the burst sent
    // after the stall and a loaded machine lengthen service times too).
    assert.ok(q.service.percentileMs(50)! < q.response.percentileMs(95)!, `service P50 ${q.service.percentileMs(50)} ms`);
  });
});
