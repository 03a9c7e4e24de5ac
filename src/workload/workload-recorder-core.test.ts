/**
 * The recorder's arithmetic on hand-made timestamps (a fake clock): response time from the start it
 * is given (the intended start in the open loop), service time from the session in hand, the
 * phases, schedule lateness only for scheduled requests, errors by label, and the intervals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDataset } from '../../seed/tenant-plan.js';
import type { RequestOutcome } from './execute-request.js';
import { tenantClasses } from './tenant-chooser.js';
import { QueryRecord, WorkloadRecorder } from './workload-recorder.js';

const plan = planDataset({ seed: 3, tenants: 4, rows: 4000, sizes: { kind: 'enterprise', count: 1, share: 0.7 } });
const large = plan.tenants.find((t) => tenantClasses(plan.tenants).get(t.slug) === 'large')!;
const small = plan.tenants.find((t) => tenantClasses(plan.tenants).get(t.slug) === 'small')!;

/** Sent at 110 ms, session in hand at 112, query done at 115, COMMIT done at 116. */
const outcome: RequestOutcome = { error: null, startAt: 110, acquiredAt: 112, queryDoneAt: 115, endAt: 116 };

/** Rounded to 0.1 ms: HdrHistogram keeps 3 significant digits. */
const near = (ms: number | null | undefined) => (ms == null ? ms : Math.round(ms * 10) / 10);

const only = (h: { count: number; maxMs(): number | null }) => (h.count === 1 ? h.maxMs() : `count ${h.count}`);

describe('WorkloadRecorder', () => {
  it('times a scheduled request from its intended start and records each phase', () => {
    const r = new WorkloadRecorder(2, tenantClasses(plan.tenants));
    r.begin(0);
    r.ok(1, small, 100, outcome, true, true);
    const q = r.queries[1]!;
    assert.equal(q.ok, 1);
    assert.equal(q.late, 1);
    assert.equal(only(q.response), 16, 'response: intended start (100) to COMMIT done (116)');
    assert.equal(only(q.service), 4, 'service: session in hand (112) to COMMIT done');
    assert.equal(only(q.lateness), 10, 'schedule lateness: intended start to the send (110)');
    assert.equal(only(r.generatorLateness), 10);
    assert.equal(only(q.acquire), 2);
    assert.equal(only(q.query), 3);
    assert.equal(only(q.commit), 1);
    assert.equal(only(q.byClass.small), 16);
    assert.equal(q.byClass.large.count, 0);
    assert.equal(r.queries[0]!.ok, 0, 'other queries untouched');
  });

  it('times an unscheduled (closed-loop) request from its actual start, without lateness', () => {
    const r = new WorkloadRecorder(1, tenantClasses(plan.tenants));
    r.ok(0, large, 110, outcome, false, false);
    const q = r.queries[0]!;
    assert.equal(q.late, 0);
    assert.equal(only(q.response), 6);
    assert.equal(q.lateness.count, 0);
    assert.equal(r.generatorLateness.count, 0);
    assert.equal(only(q.byClass.large), 6);
  });

  it('counts errors by label, late ones, and their schedule lateness when given', () => {
    const r = new WorkloadRecorder(1, tenantClasses(plan.tenants));
    r.error(0, '40001', true, 7);
    r.error(0, '40001', false);
    r.error(0, 'connection', false, null);
    const q = r.queries[0]!;
    assert.deepEqual(
      [...q.errors],
      [
        ['40001', 2],
        ['connection', 1],
      ],
    );
    assert.equal(q.errorCount, 3);
    assert.equal(q.late, 1);
    assert.equal(only(q.lateness), 7);
    assert.equal(only(r.generatorLateness), 7);
    assert.equal(q.ok, 0);
  });

  it('closes intervals with their throughput and percentiles, then starts afresh', () => {
    const r = new WorkloadRecorder(1, tenantClasses(plan.tenants));
    r.begin(1000);
    for (let i = 1; i <= 100; i++)
      r.ok(0, small, 1000, { ...outcome, startAt: 1000, acquiredAt: 1000, queryDoneAt: 1000, endAt: 1000 + i }, false, false);
    r.error(0, '57014', false);
    r.closeInterval(1500);
    r.closeInterval(1500); // an empty, zero-length interval is not a row
    r.closeInterval(2500);
    assert.equal(r.intervals.length, 2);
    const [first] = r.intervals;
    assert.deepEqual(
      { ...first, p50Ms: near(first!.p50Ms), p99Ms: near(first!.p99Ms), maxMs: near(first!.maxMs) },
      {
        atSeconds: 0.5,
        ok: 100,
        errors: 1,
        throughputPerS: 200,
        p50Ms: 50,
        p99Ms: 99,
        maxMs: 100,
      },
    );
    assert.deepEqual(r.intervals[1], { atSeconds: 1.5, ok: 0, errors: 0, throughputPerS: 0, p50Ms: null, p99Ms: null, maxMs: null });
  });

  it('taps the requests that overlap the tapped interval', () => {
    const r = new WorkloadRecorder(1, tenantClasses(plan.tenants));
    assert.equal(r.stopTap(), null, 'no tap ran');
    r.startTap(0);
    r.error(0, '55P03', false);
    // performance.now() is far beyond 0 ms here: completed inside an open-ended tap.
    r.ok(0, small, 100, outcome, false, true);
    r.endTapInterval(1);
    // Completed after the interval ended, started (16 ms before now) after it ended too: not tapped.
    r.ok(0, small, 100, outcome, false, true);
    r.error(0, '55P03', false);
    const t = r.stopTap()!;
    assert.equal(t.record.ok, 1);
    assert.equal(t.completedInside, 1);
    assert.deepEqual([...t.errors], [['55P03', 1]]);
    assert.equal(only(t.record.response), 16);
    assert.equal(only(t.record.service), 4);
    assert.equal(r.stopTap(), null, 'stopped');
    assert.equal(r.queries[0]!.ok, 2, 'every request still recorded in the query');
  });

  it('adds one record into another', () => {
    const a = new QueryRecord();
    const r = new WorkloadRecorder(1, tenantClasses(plan.tenants));
    r.ok(0, large, 100, outcome, true, true);
    r.error(0, '40P01', true, 3);
    a.add(r.queries[0]!);
    a.add(r.queries[0]!);
    assert.equal(a.ok, 2);
    assert.equal(a.late, 4);
    assert.equal(a.errorCount, 2);
    for (const h of [a.response, a.service, a.byClass.large, a.acquire, a.query, a.commit]) assert.equal(h.count, 2);
    assert.equal(a.lateness.count, 4);
    assert.equal(a.byClass.small.count, 0);
  });
});
