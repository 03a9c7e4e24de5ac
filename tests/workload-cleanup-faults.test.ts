/**
 * A backend killed between two segments (SIGKILL: the postmaster resets every session and restarts
 * after crash recovery) lands in the next segment's cleanup of the rows the previous one wrote. The
 * cleanup retries on fresh connections once the server is back: the run goes on, the next segment
 * measures, and the table is back to the planned rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withAdmin } from '../src/db/client.js';
import type { LayoutContext } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import type { EmbeddedTarget } from '../src/target/embedded-target.js';
import { measureSegment } from '../src/workload/measure-segment.js';
import { tinyScenario } from './helpers.js';
import { startSeeded } from './seeded-target.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;

before(async () => {
  ({ target, ctx } = await startSeeded('shared', 'tbk'));
});

after(async () => {
  await target?.stop();
});

describe('a backend killed between segments', () => {
  it("is absorbed by the next segment's cleanup: retried, measured, rows back to the plan", async () => {
    const w = tinyScenario({
      workload: {
        mode: 'closed',
        users: 2,
        warmupSeconds: 0.2,
        durationSeconds: 1,
        repeats: 1,
        mix: { 'create-order': 1 },
        maxOutageSeconds: 30,
      },
    }).workload;
    const router = layoutOf('shared').router(ctx, { maxConnections: 2 });
    try {
      const first = await measureSegment({ ctx, layout: 'shared', workload: w, repeat: 0, router });
      assert.ok(first.recorder.queries[0]!.ok > 0, 'orders were written');
      const db = ctx.naming.db('shared');
      const victim = await withAdmin(target, db, async (c) => {
        const r = await c.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = $2 LIMIT 1',
          [db, 'client backend'],
        );
        return r.rows[0]?.pid;
      });
      assert.ok(victim, 'a pooled backend to kill');
      // SIGKILL: every session is reset and the server restarts while the next segment begins.
      process.kill(victim, 'SIGKILL');
      const second = await measureSegment({ ctx, layout: 'shared', workload: w, repeat: 1, router });
      assert.ok(second.recorder.queries[0]!.ok > 0, `the next segment measured: ${second.invalidReasons.join('; ')}`);
      const counts = await withAdmin(target, db, async (c) => {
        const r = await c.query<{ o: string; i: string }>(
          'SELECT (SELECT count(*) FROM orders)::text AS o, (SELECT count(*) FROM order_items)::text AS i',
        );
        return { orders: Number(r.rows[0]!.o), items: Number(r.rows[0]!.i) };
      });
      assert.deepEqual(counts, { orders: ctx.plan.totals.orders, items: ctx.plan.totals.order_items });
    } finally {
      await router.close();
    }
  });

  it('a crash inside a writing window: the window is kept and the rows it wrote are removed once the server is back', async () => {
    const w = tinyScenario({
      workload: {
        mode: 'closed',
        users: 2,
        warmupSeconds: 0.2,
        durationSeconds: 4,
        repeats: 1,
        mix: { 'create-order': 1 },
        maxOutageSeconds: 30,
        intervalSeconds: 0.5,
      },
    }).workload;
    const db = ctx.naming.db('shared');
    let crash: Promise<number | undefined> = Promise.resolve(undefined);
    const seg = await measureSegment({
      ctx,
      layout: 'shared',
      workload: w,
      repeat: 2,
      onMeasureStart: () => {
        crash = new Promise((r) => setTimeout(r, 1000)).then(async () => {
          const pid = await withAdmin(target, db, async (c) => {
            const r = await c.query<{ pid: number }>(
              'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = $2 LIMIT 1',
              [db, 'client backend'],
            );
            return r.rows[0]?.pid;
          });
          if (pid) process.kill(pid, 'SIGKILL');
          return pid;
        });
      },
    });
    assert.ok(await crash, 'a backend was killed inside the window');
    assert.ok(seg.recorder.queries[0]!.ok > 0, 'what was measured is kept');
    assert.ok(seg.recorder.intervals.length > 0, 'intervals kept');
    const counts = await withAdmin(target, db, async (c) => {
      const r = await c.query<{ o: string; i: string }>(
        'SELECT (SELECT count(*) FROM orders)::text AS o, (SELECT count(*) FROM order_items)::text AS i',
      );
      return { orders: Number(r.rows[0]!.o), items: Number(r.rows[0]!.i) };
    });
    assert.deepEqual(counts, { orders: ctx.plan.totals.orders, items: ctx.plan.totals.order_items });
  });
});
