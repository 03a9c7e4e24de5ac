import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MIN_BACKEND_SAMPLES,
  MIN_CLIENT_WAIT_SHARE,
  MIN_QUEUED_MEAN_MS,
  MIN_QUEUED_SHARE,
  generatorLimits,
  routerQueueLimit,
} from './generator-limits.js';

const calm = { cpuPercentOfOneCore: 40, busyCpuPercentOfOneCore: 30, latenessP99Ms: 0.08, queueWaitMs: 0.1, serverBusyShare: 0.3 };

describe('generator-limited windows', () => {
  it('a calm generator limits nothing', () => {
    assert.deepEqual(generatorLimits(calm, 10), []);
  });
  it('flags its CPU near a core (its deliberate yields excluded)', () => {
    assert.deepEqual(generatorLimits({ ...calm, cpuPercentOfOneCore: 99, busyCpuPercentOfOneCore: 60 }, 10), []);
    assert.match(generatorLimits({ ...calm, busyCpuPercentOfOneCore: 95 }, 10).join(), /CPU 95% of a core > 90%/);
  });
  it('flags schedule lateness beyond lateMs (open loop only)', () => {
    assert.match(generatorLimits({ ...calm, latenessP99Ms: 12 }, 10).join(), /schedule lateness P99 12.00 ms > 10 ms/);
    assert.deepEqual(generatorLimits({ ...calm, latenessP99Ms: null }, 10), []);
  });
  it("does not judge by connection queueing against the server's execution share alone", () => {
    // A database-per-tenant router at its cap opening connections, or PgBouncer queueing for its one
    // server connection: long acquires while few statements execute, decided by the layout or the pooler.
    const q = { ...calm, queueWaitMs: 100, serverBusyShare: 0.03, busyCpuPercentOfOneCore: 80 };
    assert.deepEqual(generatorLimits(q, 10), []);
    assert.match(generatorLimits({ ...q, busyCpuPercentOfOneCore: 95 }, 10).join(), /its CPU 95% of a core > 90%/);
  });
});

describe("requests queueing in the router while the server's backends wait for the client", () => {
  const backends = {
    samples: 80,
    meanBackends: 8,
    activeShare: 0.1,
    idleInTransactionShare: 0.7,
    idleShare: 0.2,
    reason: null,
    notJudged: null,
  };
  const queue = { requests: 1000, waitedForHeld: 400, waitedForHeldMs: 400 * 30 };
  const limited = { ...calm, routerQueue: queue, serverBackends: backends };

  it('flags a material queue for held connections while the backends sat idle in transaction', () => {
    const why = generatorLimits(limited, 10);
    assert.equal(why.length, 1);
    assert.match(why[0]!, /^generator-limited: 40% of requests queued in the router for a connection it held \(mean 30\.0 ms\)/);
    assert.match(why[0]!, /waited for the client, idle in transaction 70% of the time \(>= 50%, 80 pg_stat_activity samples\)/);
  });
  it('not when the server was working (backends active): the server is the bottleneck', () => {
    const busy = { ...backends, activeShare: 0.8, idleInTransactionShare: 0.15, idleShare: 0.05 };
    assert.deepEqual(routerQueueLimit({ routerQueue: queue, serverBackends: busy }), null);
    assert.equal(
      routerQueueLimit({
        routerQueue: queue,
        serverBackends: { ...backends, idleInTransactionShare: MIN_CLIENT_WAIT_SHARE - 0.01 },
      }),
      null,
    );
    assert.notEqual(
      routerQueueLimit({ routerQueue: queue, serverBackends: { ...backends, idleInTransactionShare: MIN_CLIENT_WAIT_SHARE } }),
      null,
    );
  });
  it("not without a material queue for held connections (connecting is the layout's cost, not counted)", () => {
    // Few requests waited, or the waits were a sub-millisecond hand-over.
    const few = { ...queue, waitedForHeld: MIN_QUEUED_SHARE * 1000 - 1, waitedForHeldMs: 99 * 30 };
    assert.equal(routerQueueLimit({ routerQueue: few, serverBackends: backends }), null);
    const brief = { ...queue, waitedForHeldMs: 400 * (MIN_QUEUED_MEAN_MS - 0.1) };
    assert.equal(routerQueueLimit({ routerQueue: brief, serverBackends: backends }), null);
    // A capped database router: every request connected (waited-then-connected), none waited for a held one.
    assert.equal(
      routerQueueLimit({ routerQueue: { requests: 1000, waitedForHeld: 0, waitedForHeldMs: 0 }, serverBackends: backends }),
      null,
    );
  });
  it('not through a pooler, whose backends are its own; nor with too few samples or none', () => {
    const pooled = { ...backends, notJudged: 'not judged: through PgBouncer' };
    assert.equal(routerQueueLimit({ routerQueue: queue, serverBackends: pooled }), null);
    assert.equal(routerQueueLimit({ routerQueue: queue, serverBackends: { ...backends, samples: MIN_BACKEND_SAMPLES - 1 } }), null);
    const failed = { ...backends, samples: 0, activeShare: null, idleInTransactionShare: null, idleShare: null, reason: 'not measured: x' };
    assert.equal(routerQueueLimit({ routerQueue: queue, serverBackends: failed }), null);
    assert.equal(routerQueueLimit({ routerQueue: null, serverBackends: backends }), null);
    assert.equal(routerQueueLimit({ routerQueue: { requests: 0, waitedForHeld: 0, waitedForHeldMs: 0 }, serverBackends: backends }), null);
  });
  it('behind one pool, the samples taken while requests waited judge, idle included (the hand-over); otherwise idle in transaction over the window', () => {
    // The quiet fidelity run's 50% window: idle in transaction 45%, idle 22% while requests queued for seconds.
    const whileQueued = { samples: 60, idleInTransactionShare: 0.45, idleShare: 0.22 };
    const handOver = { ...backends, activeShare: 0.5, idleInTransactionShare: 0.3, idleShare: 0.2, whileQueued };
    const why = routerQueueLimit({ routerQueue: queue, serverBackends: handOver });
    assert.match(
      why ?? '',
      /idle in transaction 45% \+ idle 22% \(the hand-over\) = 67% in the 60 samples taken while requests waited \(one pool\) \(>= 50%/,
    );
    // Too few samples while requests waited: the window's idle in transaction alone (30%) judges, not flagged.
    assert.equal(
      routerQueueLimit({
        routerQueue: queue,
        serverBackends: { ...handOver, whileQueued: { ...whileQueued, samples: MIN_BACKEND_SAMPLES - 1 } },
      }),
      null,
    );
    // Per-tenant pools (no probe): idle backends may be other tenants' bounds, never counted.
    assert.equal(routerQueueLimit({ routerQueue: queue, serverBackends: { ...handOver, whileQueued: null } }), null);
    // One pool, the server working while requests waited: not the generator.
    const working = { ...handOver, whileQueued: { samples: 60, idleInTransactionShare: 0.25, idleShare: 0.15 } };
    assert.equal(routerQueueLimit({ routerQueue: queue, serverBackends: working }), null);
    // The boundary: exactly the threshold counts.
    const edge = { ...handOver, whileQueued: { samples: 60, idleInTransactionShare: 0.25, idleShare: 0.25 } };
    assert.ok(MIN_CLIENT_WAIT_SHARE === 0.5);
    assert.notEqual(routerQueueLimit({ routerQueue: queue, serverBackends: edge }), null);
  });
  it('the boundaries count: exactly the queued share, the mean wait and the samples judge', () => {
    const atShare = { requests: 1000, waitedForHeld: MIN_QUEUED_SHARE * 1000, waitedForHeldMs: MIN_QUEUED_SHARE * 1000 * 30 };
    assert.match(routerQueueLimit({ routerQueue: atShare, serverBackends: backends }) ?? '', /10% of requests queued/);
    const atMean = { ...queue, waitedForHeldMs: 400 * MIN_QUEUED_MEAN_MS };
    assert.match(routerQueueLimit({ routerQueue: atMean, serverBackends: backends }) ?? '', /\(mean 1\.0 ms\)/);
    const atSamples = { ...backends, samples: MIN_BACKEND_SAMPLES };
    assert.match(routerQueueLimit({ routerQueue: queue, serverBackends: atSamples }) ?? '', /20 pg_stat_activity samples/);
    // Exactly MIN_BACKEND_SAMPLES taken while requests waited: they judge (67%), not the window's 30%.
    const whileQueued = { samples: MIN_BACKEND_SAMPLES, idleInTransactionShare: 0.45, idleShare: 0.22 };
    const handOver = { ...backends, idleInTransactionShare: 0.3, whileQueued };
    assert.match(
      routerQueueLimit({ routerQueue: queue, serverBackends: handOver }) ?? '',
      /= 67% in the 20 samples taken while requests waited/,
    );
  });
  it('a window that was not sampled judges nothing, whatever its counts say', () => {
    const failed = { ...backends, reason: 'not measured: sampling pg_stat_activity failed (x)' };
    assert.equal(routerQueueLimit({ routerQueue: queue, serverBackends: failed }), null);
  });
});
