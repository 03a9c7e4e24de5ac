/**
 * The recorder's tap on a fake clock (performance.now mocked): a request is tapped when it
 * completed at or after the tap's start and started at or before the tapped interval's end (both
 * ends included); it completed inside when it ended by the interval's end; errors count inside the
 * interval only.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it, mock } from 'node:test';
import { planDataset } from '../../seed/tenant-plan.js';
import type { RequestOutcome } from './execute-request.js';
import { tenantClasses } from './tenant-chooser.js';
import { WorkloadRecorder } from './workload-recorder.js';

const plan = planDataset({ seed: 6, tenants: 2, rows: 200, sizes: { kind: 'uniform' } });
const tenant = plan.tenants[0]!;

describe('WorkloadRecorder tap, on a fake clock', () => {
  it('includes both ends of the tapped interval', () => {
    let now = 0;
    const clock = mock.method(performance, 'now', () => now);
    try {
      const r = new WorkloadRecorder(1, tenantClasses(plan.tenants));
      r.endTapInterval(5); // no tap running: nothing happens
      r.startTap(100);
      // 16 ms response times, ending at `end`.
      const ok = (end: number) => {
        now = end;
        const out: RequestOutcome = { error: null, startAt: end - 16, acquiredAt: end - 4, queryDoneAt: end - 1, endAt: end };
        r.ok(0, tenant, end - 16, out, false, false);
      };
      const error = (at: number) => {
        now = at;
        r.error(0, '57014', false);
      };
      ok(99.9); // completed before the tap started: not tapped
      ok(100); // completed exactly at the start: tapped, inside
      error(99.9); // before: not counted
      error(100); // at the start: counted
      r.endTapInterval(200);
      ok(200); // completed exactly at the end: inside
      ok(216); // started exactly at the end: tapped, not inside
      ok(216.1); // started after the end: not tapped
      error(200); // at the end: counted
      error(200.1); // after: not counted
      const t = r.stopTap()!;
      assert.equal(t.record.ok, 3);
      assert.equal(t.completedInside, 2);
      assert.deepEqual([...t.errors], [['57014', 2]]);
      assert.equal(r.queries[0]!.ok, 5);
    } finally {
      clock.mock.restore();
    }
  });
});
