import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AcquisitionRecord } from './acquisition-record.js';

describe('acquisition record', () => {
  it('counts kinds, times waits and connects only where they happened, and merges exactly', () => {
    const a = new AcquisitionRecord();
    a.record({ kind: 'reused', waitMs: 0, connectMs: 0 });
    a.record({ kind: 'connected', waitMs: 0, connectMs: 80 });
    a.record({ kind: 'waited-then-reused', waitMs: 3, connectMs: 0 });
    a.record({ kind: 'waited-then-connected', waitMs: 5, connectMs: 90 });
    const s = a.summary()!;
    assert.deepEqual([s.requests, s.reused, s.connected, s.waitedThenReused, s.waitedThenConnected], [4, 1, 1, 1, 1]);
    assert.deepEqual([s.waitedShare, s.connectedShare, s.reusedShare], [0.5, 0.5, 0.25]);
    assert.deepEqual([s.wait.count, s.connect.count], [2, 2]);
    assert.ok(Math.abs(s.wait.maxMs! - 5) <= 0.005);
    assert.ok(Math.abs(s.connect.p50Ms! - 80) <= 0.08, 'within HdrHistogram precision (0.1%)');

    const b = new AcquisitionRecord();
    b.addWire(structuredClone(a.toWire()));
    b.add(a);
    const m = b.summary()!;
    assert.equal(m.requests, 8);
    assert.equal(b.waitedForHeldMs, 6, 'the queueing time of waited-then-reused requests only, merged');
    assert.deepEqual([m.wait.count, m.connect.count], [4, 4]);
    assert.ok(Math.abs(m.connect.maxMs! - 90) <= 0.09);
  });
  it('says nothing when no request said how', () => {
    assert.equal(new AcquisitionRecord().summary(), null);
  });
});
