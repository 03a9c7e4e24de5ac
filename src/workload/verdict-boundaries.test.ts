/**
 * The verdicts at their boundaries: a step exactly at the P99 target or the achieved fraction meets
 * it, one beyond misses; the generator exactly at its limits is not limited; bisection stops within
 * 5% and never returns an end point.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bisect, judgeStep } from './capacity-verdict.js';
import type { StepFigures } from './capacity-verdict.js';
import { generatorLimits, MAX_GENERATOR_BUSY_CPU_PERCENT } from './generator-limits.js';

const sweep = { p99TargetMs: 50, minAchievedFraction: 0.9, maxErrorFraction: 0.01 };
const step = (f: Partial<StepFigures> = {}): StepFigures => ({
  valid: true,
  p99Ms: 10,
  offeredPerS: 100,
  achievedPerS: 100,
  dropped: 0,
  unfinished: 0,
  errors: {},
  offeredCount: 1000,
  ...f,
});
const judge = (f: Partial<StepFigures>) => judgeStep(step(f), sweep, 500);

describe('judgeStep at the boundaries', () => {
  it('P99 exactly at the target meets it; above misses', () => {
    assert.deepEqual(judge({ p99Ms: 50 }), { meets: true, misses: [] });
    assert.deepEqual(judge({ p99Ms: 50.01 }), { meets: false, misses: ['P99 50.0 ms > 50 ms'] });
  });

  it('achieved exactly at the fraction of offered meets it; below misses; nothing offered is not judged on it', () => {
    assert.equal(judge({ achievedPerS: 90 }).meets, true);
    assert.deepEqual(judge({ achievedPerS: 89.9 }).misses, ['achieved 89.9/s < 90% of offered 100.0/s']);
    assert.deepEqual(judge({ achievedPerS: null }).misses, ['achieved 0.0/s < 90% of offered 100.0/s']);
    assert.equal(judge({ offeredPerS: 0, achievedPerS: 0 }).meets, true);
    assert.equal(judge({ offeredPerS: null, achievedPerS: 0 }).meets, true);
  });
});

describe('generatorLimits at the boundaries', () => {
  const load = (busy: number, lateness: number | null) => ({
    cpuPercentOfOneCore: busy,
    busyCpuPercentOfOneCore: busy,
    latenessP99Ms: lateness,
  });
  it('exactly at the CPU limit or the lateness tolerance is not limited; beyond is', () => {
    assert.deepEqual(generatorLimits(load(MAX_GENERATOR_BUSY_CPU_PERCENT, 5), 5), []);
    assert.equal(generatorLimits(load(MAX_GENERATOR_BUSY_CPU_PERCENT + 0.5, 5), 5).length, 1);
    assert.deepEqual(generatorLimits(load(10, 5.01), 5), [
      'generator-limited: schedule lateness P99 5.01 ms > 5 ms (requests sent late by the generator itself)',
    ]);
    assert.deepEqual(generatorLimits(load(10, null), 0), [], 'closed loop: no schedule to be late on');
  });
});

describe('bisect', () => {
  it('the midpoint, rounded to whole requests from 10/s up, to 4 digits below', () => {
    assert.equal(bisect(100, 200), 150);
    assert.equal(bisect(100, 111), 106);
    assert.equal(bisect(1, 2), 1.5);
    assert.equal(bisect(9, 10.5), 9.75);
    assert.equal(bisect(9.5, 10.6), 10);
  });

  it('stops within 5% of the pass, and when rounding would land on an end point', () => {
    assert.equal(bisect(100, 105), null);
    assert.equal(bisect(100, 105.1), 103);
    assert.equal(bisect(1000, 1051), 1026);
    assert.equal(bisect(20, 21.5), 21);
    assert.equal(bisect(10, 10.9), null, '10.45 rounds to 10, the pass itself');
  });
});
