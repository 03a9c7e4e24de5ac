/**
 * Generator threads against a real server: an open loop on 2 threads sends the very requests the
 * one-thread loop sends (same seed: same count, same queries and tenant classes, writes with
 * unique ids), merged into valid results, with no connection left behind; a closed loop on 2
 * threads drives its users from both; the threads' router queues reach the main thread's
 * pg_stat_activity sampler. A bad thread count exits 2 naming the option or the field,
 * before any server starts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { withAdmin } from '../src/db/client.js';
import type { LayoutContext } from '../src/layouts/layout.js';
import type { EmbeddedTarget } from '../src/target/embedded-target.js';
import { measureSegment } from '../src/workload/measure-segment.js';
import type { SegmentResult } from '../src/workload/measure-segment.js';
import { tempDir, tinyScenario, itRefusesBeforeAnyServer } from './helpers.js';
import { startSeeded } from './seeded-target.js';

describe('--generator-threads: bad values', () => {
  const file = join(tempDir('tenantbench-gt-'), 'bad-threads.yaml');
  writeFileSync(file, 'name: bad-threads\nworkload:\n  generatorThreads: 0\n');
  const cases: [string, string[], RegExp][] = [
    ['0 on the command line', ['run', '--scenario', 'smoke', '--generator-threads', '0'], /--generator-threads must be a positive integer/],
    ['not a number', ['all', '--scenario', 'smoke', '--generator-threads', 'two'], /--generator-threads must be a positive integer/],
    ['0 in a scenario file', ['run', '--scenario', file], /workload\.generatorThreads/],
  ];
  itRefusesBeforeAnyServer(cases);
});

let target: EmbeddedTarget;
let ctx: LayoutContext;

before(async () => {
  ({ target, ctx } = await startSeeded('shared', 'tbg'));
});

after(async () => {
  await target?.stop();
});

const workload = (w: Record<string, unknown>) =>
  tinyScenario({ workload: { warmupSeconds: 0.3, durationSeconds: 1.5, repeats: 1, users: 4, ...w } }).workload;

/** Backends on the layout's database other than the one asking: the routers' connections left open. */
async function connectionsLeft(): Promise<number> {
  const db = ctx.naming.db('shared');
  for (let i = 0; ; i++) {
    const n = await withAdmin(target, db, async (c) => {
      const r = await c.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [db],
      );
      return r.rows[0]!.n;
    });
    // A backend whose client closed takes a moment to exit.
    if (n === 0 || i === 20) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const errorsOf = (seg: SegmentResult) => seg.recorder.queries.reduce((a, q) => a + q.errorCount, 0);

describe('generator threads on a real server', () => {
  it('open loop: 2 threads send the requests 1 thread sends, merged into valid results, no connection left', async (t) => {
    // Fixed arrivals, a reading and a writing query: the schedule, the draws and the ids are the seed's.
    const w = (threads: number) =>
      workload({
        mode: 'open',
        ratePerS: 120,
        arrival: 'fixed',
        mix: { 'recent-orders': 3, 'create-order': 1 },
        generatorThreads: threads,
      });
    const one = await measureSegment({ ctx, layout: 'shared', workload: w(1), repeat: 0 });
    const two = await measureSegment({ ctx, layout: 'shared', workload: w(2), repeat: 0 });
    assert.equal(one.generator.threads, 1);
    assert.equal(two.generator.threads, 2);
    assert.equal(two.generator.perThread?.length, 2);
    for (const seg of [one, two]) {
      t.diagnostic(
        `${seg.generator.threads} thread(s): lateness P99 ${seg.generator.latenessP99Ms?.toFixed(2)} ms, per thread ${JSON.stringify(seg.generator.perThread)}, lag P99 ${seg.lag.p99Ms.toFixed(1)} ms`,
      );
      assert.equal(errorsOf(seg), 0, JSON.stringify(seg.recorder.queries.map((q) => [...q.errors])));
      assert.equal(seg.drive.dropped, 0);
      // Valid, unless the machine itself starved the generator (8 helpers share 2 cores here): then
      // the only reasons may be the generator's own lag, never anything about the results.
      const other = seg.invalidReasons.filter((r) => !/^(generator-limited|load generator saturated)/.test(r));
      assert.deepEqual(other, [], seg.invalidReasons.join('; '));
      if (!seg.valid) t.diagnostic(`marked invalid by the loaded machine: ${seg.invalidReasons.join('; ')}`);
    }
    assert.equal(two.drive.offeredPerS, one.drive.offeredPerS);
    for (let q = 0; q < one.recorder.queries.length; q++) {
      const a = one.recorder.queries[q]!;
      const b = two.recorder.queries[q]!;
      assert.ok(a.ok > 30, `requests of query ${q} (${a.ok})`);
      assert.equal(b.ok, a.ok, `query ${q}: same request count`);
      assert.equal(b.byClass.large.count, a.byClass.large.count, `query ${q}: same tenants (large ones)`);
      assert.equal(b.response.count, a.response.count);
      assert.equal(b.lateness.count, a.lateness.count);
    }
    // Every thread's intervals merged into one series over the window.
    assert.ok(two.recorder.intervals.length >= 1);
    assert.equal(
      two.recorder.intervals.reduce((a, r) => a + r.ok, 0),
      two.recorder.queries.reduce((a, q) => a + q.ok, 0),
    );
    assert.equal(await connectionsLeft(), 0);
  });

  it('closed loop: 2 threads drive the users, each thread with its own connections', async () => {
    const seg = await measureSegment({
      ctx,
      layout: 'shared',
      workload: workload({ mode: 'closed', mix: { 'point-lookup': 1 }, generatorThreads: 2 }),
      repeat: 0,
    });
    assert.equal(seg.generator.threads, 2);
    assert.equal(errorsOf(seg), 0);
    // Counts, not speeds: on a loaded machine a 1.5 s window may hold only a few requests.
    assert.ok(seg.recorder.queries[0]!.ok > 0, `requests (${seg.recorder.queries[0]!.ok})`);
    assert.ok(seg.router.peakOpen <= 4, `at most the users' connections over both threads (${seg.router.peakOpen})`);
    assert.equal(seg.generator.perThread?.length, 2);
    assert.ok(seg.router.opened >= 2, `each thread opened its own connections (${seg.router.opened})`);
    assert.equal(await connectionsLeft(), 0);
  });

  it("open loop past what 1 connection per thread serves: the sampler reads both threads' queues", async (t) => {
    // Each thread's router queues its arrivals behind its one connection (the backlog caps the pile).
    const seg = await measureSegment({
      ctx,
      layout: 'shared',
      workload: workload({
        mode: 'open',
        ratePerS: 2000,
        users: 2,
        maxBacklog: 40,
        durationSeconds: 1,
        mix: { 'recent-orders': 1 },
        generatorThreads: 2,
      }),
      repeat: 0,
    });
    assert.equal(seg.generator.threads, 2);
    const b = seg.generator.serverBackends!;
    t.diagnostic(`router queue ${JSON.stringify(seg.generator.routerQueue)}; backends ${JSON.stringify(b)}`);
    assert.equal(b.reason, null);
    assert.ok(seg.generator.routerQueue!.waitedForHeld > 0, "requests queued in the threads' routers");
    // Before the threads published their queues, a multi-thread window had no such samples (null).
    assert.ok(b.whileQueued, 'samples taken while requests waited are counted on 2 threads');
    assert.ok(b.whileQueued.samples > 0, `samples taken while requests waited (${b.whileQueued.samples} of ${b.samples})`);
    assert.ok(b.whileQueued.samples <= b.samples);
    assert.equal(await connectionsLeft(), 0);
  });
});
