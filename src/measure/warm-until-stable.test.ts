import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeWarmUp, isStable, warmUntilStable } from './warm-until-stable.js';

const cfg = { windowSeconds: 3, stableWithinPoints: 0.5, maxWindows: 6 };
const fake = (ratios: (number | null)[]) => {
  let clock = 0;
  const calls: number[] = [];
  return {
    calls,
    now: () => clock,
    window: async (i: number) => {
      calls.push(i);
      clock += 3500;
      return ratios[i] ?? null;
    },
  };
};

describe('warm until the buffer hit ratio is stable', () => {
  it('stops after the first two windows within 0.5 points', async () => {
    const f = fake([0.9, 0.97, 0.995, 0.998, 0.999]);
    const r = await warmUntilStable(f.window, cfg, f.now);
    assert.equal(r.windows, 4);
    assert.deepEqual(f.calls, [0, 1, 2, 3]);
    assert.equal(r.stable, true);
    assert.equal(r.finalHitRatio, 0.998);
    assert.equal(r.seconds, 14);
    assert.match(describeWarmUp(r), /hit ratio 99\.80% after 4 warm-up window\(s\) of 3 s \(14 s\)/);
  });

  it('needs two windows even when the first is already warm', async () => {
    const r = await warmUntilStable(fake([1, 1]).window, cfg, fake([]).now);
    assert.equal(r.windows, 2);
    assert.equal(r.stable, true);
  });

  it('is bounded by maxWindows and says it did not stabilise', async () => {
    const f = fake([0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]);
    const r = await warmUntilStable(f.window, cfg, f.now);
    assert.equal(r.windows, 6);
    assert.equal(r.stable, false);
    assert.equal(r.finalHitRatio, 0.95);
    assert.match(describeWarmUp(r), /did not stabilise within 6 warm-up windows of 3 s \(21 s; within 0\.5 points\): last 95\.00%/);
  });

  it('never calls an unknown hit ratio stable', () => {
    assert.equal(isStable([null, null], 0.5), false);
    assert.equal(isStable([0.99, null], 0.5), false);
    assert.equal(isStable([0.99], 0.5), false);
    assert.equal(isStable([0.99, 0.995], 0.5), true);
    assert.equal(isStable([0.99, 0.9951], 0.5), false);
  });
});
