/**
 * The drivers against a real server that misbehaves: a lock stalls it (the open loop's corrected
 * percentiles show the stall, service time does not), a server error (counted by SQLSTATE, the run
 * goes on), killed backends (replaced and counted), and a saturated generator (marked invalid).
 * Assertions are on relations, not absolute speeds: the machine is shared and loaded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withAdmin } from '../src/db/client.js';
import type { LayoutContext } from '../src/layouts/layout.js';
import type { EmbeddedTarget } from '../src/target/embedded-target.js';
import { measureSegment } from '../src/workload/measure-segment.js';
import type { SegmentResult } from '../src/workload/measure-segment.js';
import { summarizeLayout } from '../src/workload/summarize-workload.js';
import { tinyScenario } from './helpers.js';
import { startSeeded } from './seeded-target.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  ({ target, ctx } = await startSeeded('shared', 'tbd'));
});

after(async () => {
  await target?.stop();
});

function workload(w: Record<string, unknown>) {
  return tinyScenario({ workload: { warmupSeconds: 0.3, repeats: 1, mix: { 'point-lookup': 1 }, ...w } }).workload;
}

const sharedDb = () => ctx.naming.db('shared');
const totalOk = (seg: SegmentResult) => seg.recorder.queries.reduce((a, q) => a + q.ok, 0);
const errorsOf = (seg: SegmentResult) => {
  const out: Record<string, number> = {};
  for (const q of seg.recorder.queries) for (const [k, v] of q.errors) out[k] = (out[k] ?? 0) + v;
  return out;
};

describe('open loop, server stalled by a lock for 1 s', () => {
  it('shows the stall in the corrected percentiles, not in service time', async () => {
    // One connection: while it waits on the lock, every scheduled request queues behind it.
    const w = workload({ mode: 'open', ratePerS: 40, arrival: 'fixed', durationSeconds: 3, users: 1 });
    let stall: Promise<unknown> = Promise.resolve();
    const seg = await measureSegment({
      ctx,
      layout: 'shared',
      workload: w,
      repeat: 0,
      onMeasureStart: () => {
        stall = (async () => {
          await sleep(700);
          await withAdmin(target, sharedDb(), async (c) => {
            await c.query('BEGIN');
            await c.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
            await c.query('SELECT pg_sleep(1)');
            await c.query('COMMIT');
          });
        })();
      },
    });
    await stall;
    const r = summarizeLayout(w, [seg]).queries['point-lookup']!;
    assert.ok(r.count > 60, `requests completed: ${r.count}`);
    assert.ok(r.p99Ms! >= 800, `corrected p99 ${r.p99Ms} ms shows the 1 s stall`);
    // ~40 requests were scheduled during the stall: well over 5% of ~120 waited more than 300 ms.
    assert.ok(r.p95Ms! >= 300, `corrected p95 ${r.p95Ms} ms`);
    // Only the one request holding the connection waited inside its service time.
    assert.ok(r.service.p95Ms! < r.p95Ms! / 2, `service p95 ${r.service.p95Ms} ms vs corrected p95 ${r.p95Ms} ms`);
    assert.ok((r.late ?? 0) >= 20, `late ${r.late}`);
    assert.equal(r.mode, 'open');
    assert.ok(r.offeredPerS! > 30 && r.offeredPerS! < 50, `offered ${r.offeredPerS}/s`);
  });
});

describe('a server error during the run', () => {
  it('is counted by SQLSTATE and the run goes on', async () => {
    const w = workload({ mode: 'closed', users: 3, durationSeconds: 3, intervalSeconds: 0.5 });
    let fault: Promise<unknown> = Promise.resolve();
    const seg = await measureSegment({
      ctx,
      layout: 'shared',
      workload: w,
      repeat: 0,
      onMeasureStart: () => {
        fault = (async () => {
          await sleep(500);
          await withAdmin(target, sharedDb(), async (c) => {
            await c.query('ALTER TABLE orders RENAME TO orders_gone');
            await sleep(700);
            await c.query('ALTER TABLE orders_gone RENAME TO orders');
          });
        })();
      },
    });
    await fault;
    const errors = errorsOf(seg);
    assert.ok((errors['42P01'] ?? 0) > 0, `undefined_table counted: ${JSON.stringify(errors)}`);
    const last = seg.recorder.intervals.filter((i) => i.atSeconds > 2.2);
    assert.ok(
      last.some((i) => i.ok > 0),
      `requests succeed again after the table is back: ${JSON.stringify(seg.recorder.intervals)}`,
    );
    assert.equal(seg.valid || seg.invalidReasons.every((r) => r.includes('event-loop')), true);
  });
});

describe('backends killed during the run', () => {
  it('are replaced, and the failed requests counted', async () => {
    const w = workload({ mode: 'closed', users: 3, durationSeconds: 3, intervalSeconds: 0.5 });
    let kill: Promise<number> = Promise.resolve(0);
    const seg = await measureSegment({
      ctx,
      layout: 'shared',
      workload: w,
      repeat: 0,
      onMeasureStart: () => {
        kill = (async () => {
          await sleep(800);
          return withAdmin(target, 'postgres', async (c) => {
            const r = await c.query<{ n: string }>(
              'SELECT count(pg_terminate_backend(pid))::text AS n FROM pg_stat_activity WHERE usename = $1',
              [ctx.naming.role('shared_app')],
            );
            return Number(r.rows[0]!.n);
          });
        })();
      },
    });
    const killed = await kill;
    assert.ok(killed >= 1, `terminated ${killed} backends`);
    const errors = errorsOf(seg);
    const failed = (errors['57P01'] ?? 0) + (errors.connection ?? 0);
    assert.ok(failed >= 1, `killed requests counted: ${JSON.stringify(errors)}`);
    // The three pooled connections (plus the id check's) were replaced by new ones.
    assert.ok(seg.router.opened > seg.router.peakOpen, `opened ${seg.router.opened}, peak ${seg.router.peakOpen}`);
    assert.ok(seg.router.closed >= 1, `closed ${seg.router.closed}`);
    const after = seg.recorder.intervals.filter((i) => i.atSeconds > 1.8);
    assert.ok(
      after.some((i) => i.ok > 0),
      'requests succeed on the new connections',
    );
    assert.ok(totalOk(seg) > 0);
  });
});

describe('a saturated load generator', () => {
  it('marks its result invalid with the reason, instead of publishing it as valid', async () => {
    const w = workload({ mode: 'closed', users: 2, durationSeconds: 2, maxEventLoopLagMs: 50 });
    let hog: NodeJS.Timeout | undefined;
    const seg = await measureSegment({
      ctx,
      layout: 'shared',
      workload: w,
      repeat: 0,
      onMeasureStart: () => {
        // Block the event loop 150 ms out of every 200 ms: the generator cannot keep time.
        hog = setInterval(() => {
          const until = Date.now() + 150;
          while (Date.now() < until) {
            /* busy */
          }
        }, 50);
      },
    });
    clearInterval(hog);
    assert.equal(seg.valid, false);
    assert.match(seg.invalidReasons.join(' '), /event-loop lag p99 \d+/);
    const s = summarizeLayout(w, [seg]);
    assert.equal(s.valid, false);
    assert.equal(s.all!.valid, false);
    // An invalid repeat's percentiles are not published.
    assert.equal(s.all!.p99Ms, null);
    assert.equal(s.all!.histogram, null);
  });
});

describe('noisy neighbour', () => {
  it("runs the noisy tenant's heavy query beside the measured others, quiet vs noisy", async () => {
    const w = workload({
      mode: 'closed',
      users: 2,
      durationSeconds: 1.5,
      mix: { 'point-lookup': 1 },
      noisyNeighbour: { users: 2, query: 'order-report' },
    });
    const quiet = await measureSegment({ ctx, layout: 'shared', workload: w, repeat: 0 });
    const noisy = await measureSegment({ ctx, layout: 'shared', workload: w, repeat: 0, noisy: true });
    assert.equal(quiet.noisy, null);
    assert.equal(noisy.noisy?.tenant, 't0001', 'the largest tenant by default');
    assert.ok(noisy.noisy!.ok > 0, 'the noisy tenant ran its reports');
    const s = summarizeLayout(w, [quiet], [noisy]);
    const nn = s.noisyNeighbour!;
    assert.equal(nn.query, 'order-report');
    // On a busy machine a segment can be marked invalid (generator lag): then its percentiles are
    // withheld by design and the reason is recorded; otherwise it must have counted requests.
    assert.ok(nn.quiet.valid ? nn.quiet.count > 0 : quiet.invalidReasons.length > 0, 'quiet segment counted or said why not');
    assert.ok(nn.noisy.valid ? nn.noisy.count > 0 : noisy.invalidReasons.length > 0, 'noisy segment counted or said why not');
    if (nn.quiet.valid && nn.noisy.valid) assert.ok(nn.p99Ratio !== null && nn.p99Ratio > 0);
  });
});

describe('writes', () => {
  it('are removed after the segment, so every layout and repeat starts from the planned rows', async () => {
    const w = workload({ mode: 'closed', users: 2, durationSeconds: 1, mix: { 'create-order': 1 } });
    const seg = await measureSegment({ ctx, layout: 'shared', workload: w, repeat: 0 });
    assert.ok(seg.recorder.queries[0]!.ok > 0, 'orders were written');
    const counts = await withAdmin(target, sharedDb(), async (c) => {
      const r = await c.query<{ o: string; i: string }>(
        'SELECT (SELECT count(*) FROM orders)::text AS o, (SELECT count(*) FROM order_items)::text AS i',
      );
      return { orders: Number(r.rows[0]!.o), items: Number(r.rows[0]!.i) };
    });
    assert.deepEqual(counts, { orders: ctx.plan.totals.orders, items: ctx.plan.totals.order_items });
  });
});
