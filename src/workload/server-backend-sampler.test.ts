import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notSampled, poolServerBackends } from './server-backend-sampler.js';

describe('server backend shares over several windows', () => {
  it('weights each window by the backends it sampled; windows not sampled are left out', () => {
    const a = { samples: 10, meanBackends: 2, activeShare: 0.5, idleInTransactionShare: 0.5, idleShare: 0, reason: null, notJudged: null };
    const b = { samples: 30, meanBackends: 4, activeShare: 0, idleInTransactionShare: 1, idleShare: 0, reason: null, notJudged: null };
    const none = { ...notSampled('not measured: x'), notJudged: null };
    const p = poolServerBackends([a, b, none])!;
    assert.equal(p.samples, 40);
    assert.equal(p.meanBackends, 140 / 40);
    assert.equal(p.activeShare, 10 / 140);
    assert.equal(p.idleInTransactionShare, 130 / 140);
    assert.equal(p.reason, null);
  });
  it('says why when nothing was sampled, and keeps why it was not judged', () => {
    const p = poolServerBackends([{ ...notSampled('not measured: x'), notJudged: 'not judged: pooler' }])!;
    assert.deepEqual([p.samples, p.activeShare, p.reason, p.notJudged], [0, null, 'not measured: x', 'not judged: pooler']);
    assert.equal(poolServerBackends([]), null);
  });
  it('pools the samples taken while requests waited, weighted by their samples; null when no window had a probe', () => {
    const base = {
      samples: 40,
      meanBackends: 2,
      activeShare: 0.5,
      idleInTransactionShare: 0.3,
      idleShare: 0.2,
      reason: null,
      notJudged: null,
    };
    const a = { ...base, whileQueued: { samples: 10, idleInTransactionShare: 0.6, idleShare: 0.2 } };
    const b = { ...base, whileQueued: { samples: 30, idleInTransactionShare: 0.2, idleShare: 0.4 } };
    const empty = { ...base, whileQueued: { samples: 0, idleInTransactionShare: null, idleShare: null } };
    const p = poolServerBackends([a, b, empty])!.whileQueued!;
    assert.equal(p.samples, 40);
    assert.ok(Math.abs(p.idleInTransactionShare! - (0.6 * 10 + 0.2 * 30) / 40) < 1e-12);
    assert.ok(Math.abs(p.idleShare! - (0.2 * 10 + 0.4 * 30) / 40) < 1e-12);
    assert.equal(poolServerBackends([base, { ...base, whileQueued: null }])!.whileQueued, null);
  });
});
