/**
 * Routers against a real embedded PostgreSQL: the database layout's router keeps each tenant to its
 * bound and every connection under the global cap, closing idle ones least recently used first only
 * at the cap; every router says how it obtained each session (reused, connected, after waiting).
 * And the generator-limited rule on that queue: requests queued in the router while the server's
 * backends sat idle in transaction waiting for the client are flagged; a queue the server decided
 * is not (the database layout's connects are left out of the rule: unit-tested in generator-limits.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from '../src/db/client.js';
import type { Acquisition, LayoutContext, TenantRouter, TenantSession } from '../src/layouts/layout.js';
import { layout as layoutOf } from '../src/layouts/registry.js';
import { wrapSession } from '../src/layouts/wrap-session.js';
import { makeLayoutContext } from '../src/pipeline/run-session.js';
import { EmbeddedTarget } from '../src/target/embedded-target.js';
import type { TenantPlan } from '../seed/tenant-plan.js';
import { CompiledMix } from '../src/workload/compiled-mix.js';
import { executeRequest } from '../src/workload/execute-request.js';
import { tenantClasses } from '../src/workload/tenant-chooser.js';
import { WorkloadRecorder } from '../src/workload/workload-recorder.js';
import { tinyScenario } from './helpers.js';
import { measureSegment } from '../src/workload/measure-segment.js';
import type { SegmentResult } from '../src/workload/measure-segment.js';
import { MIN_QUEUED_SHARE } from '../src/workload/generator-limits.js';

const CAP = 3;
const TENANTS = 8;
// 2 users over 8 uniform tenants: each tenant's bound is ceil(2 / 8) + 1 = 2.
const BOUND = 2;

let target: EmbeddedTarget;
let ctx: LayoutContext;

before(async () => {
  target = await EmbeddedTarget.start({ profile: 'test' });
  const scenario = tinyScenario({
    tenants: { count: TENANTS, sizes: { kind: 'uniform' } },
    rows: 2000,
    layouts: ['shared', 'database'],
    layoutOptions: { database: { maxConnections: CAP } },
    workload: { users: 2 },
  });
  ctx = makeLayoutContext({ target, scenario, prefix: 'tbr', serverVersionNum: 150000 });
  for (const name of ['shared', 'database'] as const) await layoutOf(name).seed(ctx);
});

after(async () => {
  await target?.stop();
});

/** Hold a session for `ms` (a query that sleeps), then commit; returns how it was obtained. */
async function use(router: TenantRouter, t: TenantPlan, ms = 20): Promise<Acquisition> {
  const s = await router.acquire(t);
  await s.query(`SELECT pg_sleep(${ms / 1000})`);
  await s.release();
  assert.ok(s.acquisition, 'the router says how it obtained the session');
  return s.acquisition;
}

/** Peak server connections per tenant role, sampled on one admin connection until stop(). */
async function sampler(): Promise<{ stop(): Promise<Map<string, number>> }> {
  const admin = await connect(target.config('postgres'));
  const peaks = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await admin.query<{ u: string; n: number }>(
        "SELECT usename AS u, count(*)::int AS n FROM pg_stat_activity WHERE usename LIKE 'tbr%' GROUP BY 1",
      );
      for (const { u, n } of r.rows) peaks.set(u, Math.max(peaks.get(u) ?? 0, n));
      await new Promise((res) => setTimeout(res, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await admin.end();
      return peaks;
    },
  };
}

describe('database router bounds', () => {
  it('holds at most its cap overall and its bound per tenant, and records connects, with more tenants than the cap', async () => {
    const router = layoutOf('database').router(ctx);
    const s = await sampler();
    let kinds: Acquisition[];
    let peaks: Map<string, number>;
    try {
      // Three concurrent requests per tenant, every tenant at once: more than the cap, more than a bound.
      kinds = await Promise.all(Array.from({ length: TENANTS * 3 }, (_, i) => use(router, ctx.plan.tenants[i % TENANTS]!)));
    } finally {
      peaks = await s.stop();
    }
    const st = router.stats();
    await router.close();
    assert.ok(st.peakOpen <= CAP, `router peak ${st.peakOpen} <= cap ${CAP}`);
    const serverTotal = [...peaks.values()].reduce((a, b) => a + b, 0);
    assert.ok(Math.max(...peaks.values()) <= BOUND, `per-tenant peak ${JSON.stringify([...peaks])} <= ${BOUND}`);
    assert.ok(serverTotal > 0, 'the sampler saw the tenants');
    assert.ok(st.opened >= TENANTS, `every tenant needed a connection of its own (opened ${st.opened})`);
    assert.ok((st.evicted ?? 0) > 0, 'idle connections of other tenants were closed at the cap');
    assert.ok(st.waits > 0, 'requests queued for a connection');
    const connected = kinds.filter((k) => k.kind === 'connected' || k.kind === 'waited-then-connected');
    assert.equal(connected.length, st.opened, 'every connection opened shows up as a request that connected');
    for (const k of connected) assert.ok(k.connectMs > 0, `${k.kind}: connectMs ${k.connectMs} > 0`);
    for (const k of kinds.filter((x) => x.kind.startsWith('waited'))) assert.ok(k.waitMs > 0, `${k.kind}: waitMs > 0`);
    for (const k of kinds.filter((x) => x.kind === 'waited-then-reused')) assert.equal(k.connectMs, 0);
  });

  it('a busy tenant waits for its own connections at its bound instead of opening more', async () => {
    const router = layoutOf('database').router(ctx);
    const t = ctx.plan.tenants[0]!;
    const kinds = await Promise.all(Array.from({ length: 6 }, () => use(router, t, 30)));
    const st = router.stats();
    await router.close();
    assert.equal(st.opened, BOUND, 'opened exactly its bound');
    assert.equal(st.evicted, 0);
    assert.equal(kinds.filter((k) => k.kind === 'connected').length, BOUND);
    const reusedAfterWait = kinds.filter((k) => k.kind === 'waited-then-reused');
    assert.equal(reusedAfterWait.length, 6 - BOUND);
    for (const k of reusedAfterWait) assert.ok(k.waitMs > 0 && k.connectMs === 0);
  });

  it('keeps idle connections until the cap needs a slot, then closes the least recently used', async () => {
    const router = layoutOf('database').router(ctx);
    const [a, b, c, d] = ctx.plan.tenants;
    for (const t of [a!, b!, c!]) assert.equal((await use(router, t, 0)).kind, 'connected');
    assert.equal((await use(router, a!, 0)).kind, 'reused', 'an idle connection is reused, not reopened');
    assert.deepEqual({ open: router.stats().open, evicted: router.stats().evicted }, { open: CAP, evicted: 0 });
    // At the cap: d's connection takes the slot of the least recently used idle one (b's).
    assert.equal((await use(router, d!, 0)).kind, 'connected');
    assert.equal(router.stats().evicted, 1);
    assert.equal((await use(router, a!, 0)).kind, 'reused');
    assert.equal((await use(router, c!, 0)).kind, 'reused');
    assert.equal((await use(router, b!, 0)).kind, 'connected', 'b was the one closed');
    await router.close();
  });
});

describe('database router at its cap', () => {
  it('a tenant holding a busy connection waits for it rather than evict a recently used idle one', async () => {
    const router = layoutOf('database').router(ctx);
    const [a, b, c] = ctx.plan.tenants;
    try {
      await Promise.all([use(router, b!, 0), use(router, c!, 0)]);
      const busy = await router.acquire(a!);
      // b and c idle, a busy: the cap (3) is full. a's second request waits for a's own connection.
      const second = use(router, a!, 0);
      await new Promise((r) => setTimeout(r, 30));
      await busy.release();
      const k = await second;
      assert.equal(k.kind, 'waited-then-reused');
      assert.equal(router.stats().evicted, 0);
    } finally {
      await router.close();
    }
  });
});

describe('pool router acquisition kinds', () => {
  it('reused, connected, waited-then-reused and waited-then-connected, with wait and connect times', async () => {
    const router = layoutOf('shared').router(ctx, { maxConnections: 1 });
    const t = ctx.plan.tenants[0]!;
    try {
      const first = await use(router, t, 0);
      assert.equal(first.kind, 'connected');
      assert.ok(first.connectMs > 0 && first.waitMs === 0, JSON.stringify(first));
      assert.deepEqual(await use(router, t, 0), { kind: 'reused', waitMs: 0, connectMs: 0 });

      const held: TenantSession = await router.acquire(t);
      const queued = use(router, t, 0);
      await new Promise((r) => setTimeout(r, 30));
      await held.release();
      const w = await queued;
      assert.equal(w.kind, 'waited-then-reused');
      assert.ok(w.waitMs >= 20 && w.connectMs === 0, JSON.stringify(w));

      const broken: TenantSession = await router.acquire(t);
      const queued2 = use(router, t, 0);
      await new Promise((r) => setTimeout(r, 30));
      // A discarded connection: the queued request gets a new one.
      await broken.release(new Error('discard'));
      const wc = await queued2;
      assert.equal(wc.kind, 'waited-then-connected');
      assert.ok(wc.waitMs >= 20 && wc.connectMs > 0, JSON.stringify(wc));
    } finally {
      await router.close();
    }
  });
});

describe('recorded per request', () => {
  it('a request that connected records its connect time, a reused one none; the summary shares add up', async () => {
    const router = layoutOf('database').router(ctx);
    const mix = new CompiledMix({ 'point-lookup': 1 }, true);
    const q = mix.queries[0]!;
    const rec = new WorkloadRecorder(1, tenantClasses(ctx.plan.tenants));
    const opts = { router, prepared: true, explicitTenantFilter: false, tenantColumn: () => false };
    const t = ctx.plan.tenants[0]!;
    const rnd = () => 0.5;
    const ids = { next: () => 1 };
    try {
      for (let i = 0; i < 3; i++) {
        const out = await executeRequest(opts, t, q, q.query.params(t, rnd, ids));
        assert.equal(out.error, null);
        assert.equal(out.acquisition?.kind, i === 0 ? 'connected' : 'reused');
        assert.ok(i === 0 ? out.acquisition!.connectMs > 0 : out.acquisition!.connectMs === 0);
        rec.ok(0, t, out.startAt, out, false, false);
      }
    } finally {
      await router.close();
    }
    const a = rec.queries[0]!.acquisition.summary()!;
    assert.equal(a.requests, 3);
    assert.deepEqual([a.reused, a.connected, a.waitedThenReused, a.waitedThenConnected], [2, 1, 0, 0]);
    assert.equal(a.connectedShare, 1 / 3);
    assert.equal(a.waitedShare, 0);
    assert.equal(a.connect.count, 1);
    assert.ok((a.connect.p99Ms ?? 0) > 0);
    assert.equal(a.wait.count, 0);
  });
});

/**
 * `router` whose sessions spend `ms` inside each transaction: the server sleeping (pg_sleep, the
 * server is the bottleneck) or the client holding the transaction open after its query (a slow
 * generator: its own work between the query and COMMIT, the server idle in transaction).
 */
function holding(router: TenantRouter, where: 'server' | 'client', ms: number): TenantRouter {
  return {
    ...(router.waiting ? { waiting: () => router.waiting!() } : {}),
    stats: () => router.stats(),
    close: () => router.close(),
    async acquire(t) {
      const s = await router.acquire(t);
      if (where === 'server') await s.query(`SELECT pg_sleep(${ms / 1000})`);
      return where === 'client' ? wrapSession(s, { afterQuery: () => new Promise((res) => setTimeout(res, ms)) }) : s;
    },
  };
}

/**
 * A short open-loop window of point lookups on 2 connections of the shared layout, each request
 * spending `ms` in the server or the client (lag tolerance wide: only the router-queue rule is judged here).
 */
async function heldWindow(where: 'server' | 'client', ms: number, ratePerS: number): Promise<SegmentResult> {
  const router = holding(layoutOf('shared').router(ctx, { maxConnections: 2 }), where, ms);
  const workload = tinyScenario({
    workload: {
      mix: { 'point-lookup': 1 },
      mode: 'open',
      ratePerS,
      users: 2,
      warmupSeconds: 0.3,
      durationSeconds: 1.5,
      repeats: 1,
      maxBacklog: 60,
      maxEventLoopLagMs: 5000,
      tenantChoice: { kind: 'uniform' },
    },
  }).workload;
  try {
    return await measureSegment({ ctx, layout: 'shared', workload, repeat: 0, router });
  } finally {
    await router.close();
  }
}

const ROUTER_QUEUE_RULE = /queued in the router for a connection it held/;
const queuedShare = (seg: SegmentResult) => seg.generator.routerQueue!.waitedForHeld / Math.max(1, seg.generator.routerQueue!.requests);

describe('generator-limited: requests queueing while the server waits for the client', () => {
  it('a client that holds each transaction open past its capacity is flagged, with the reason', async () => {
    // 2 connections, 30 ms of client time per request: at most ~65/s; 150/s offered.
    const seg = await heldWindow('client', 30, 150);
    const b = seg.generator.serverBackends!;
    assert.equal(b.reason, null);
    assert.ok(b.samples > 0 && b.meanBackends > 0, JSON.stringify(b));
    assert.ok(queuedShare(seg) >= MIN_QUEUED_SHARE, JSON.stringify(seg.generator.routerQueue));
    const seen = JSON.stringify({ backends: b, queue: seg.generator.routerQueue, reasons: seg.invalidReasons });
    assert.equal(seg.valid, false, seen);
    assert.equal(seg.generator.limited, true, seen);
    assert.match(seg.invalidReasons.join('; '), ROUTER_QUEUE_RULE, seen);
    assert.ok(b.whileQueued && b.whileQueued.samples > 0, `the shared layout's router is one pool, sampled while requests waited: ${seen}`);
    assert.match(
      seg.invalidReasons.join('; '),
      /waited for the client, idle in transaction \d+% (\+ idle \d+% \(the hand-over\) = \d+% in the \d+ samples taken while requests waited|of the time)/,
    );
  });

  it('a server that is the bottleneck (each request sleeps 50 ms in it) queues requests but is not flagged', async () => {
    // 2 connections, 50 ms of server time per request: at most 40/s; 80/s offered. Round trips on a
    // loaded machine take milliseconds: the sleep keeps the server's share well above them.
    const seg = await heldWindow('server', 50, 80);
    const b = seg.generator.serverBackends!;
    assert.ok(queuedShare(seg) >= MIN_QUEUED_SHARE, `requests did queue: ${JSON.stringify(seg.generator.routerQueue)}`);
    assert.ok(b.activeShare! > b.idleInTransactionShare!, `the sampler saw the server working: ${JSON.stringify(b)}`);
    assert.doesNotMatch(seg.invalidReasons.join('; '), ROUTER_QUEUE_RULE, JSON.stringify(b));
  });
});
