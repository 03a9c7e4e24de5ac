import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bisect, capacityOf, judgeStep } from './capacity-verdict.js';
import { SweepCursor } from './rate-sweep-plan.js';

const target = { p99TargetMs: 50, minAchievedFraction: 0.95, maxErrorFraction: 0.001 };
const ok = { valid: true, p99Ms: 20, offeredPerS: 100, achievedPerS: 100, dropped: 0, unfinished: 0, errors: {}, offeredCount: 1000 };
const step = (ratePerS: number, meets: boolean | null) => ({
  ratePerS,
  meets,
  invalidReasons: meets === null ? ['load generator saturated'] : [],
});

describe('a rate sweep step against the target', () => {
  it('meets it with P99 within the target, everything achieved, nothing dropped, no error', () => {
    assert.deepEqual(judgeStep(ok, target, 100), { meets: true, misses: [] });
  });

  it('misses it for each reason, naming the reason', () => {
    assert.match(judgeStep({ ...ok, p99Ms: 50.5 }, target, 100).misses.join(), /P99 50\.5 ms > 50 ms/);
    assert.match(judgeStep({ ...ok, achievedPerS: 94 }, target, 100).misses.join(), /achieved 94\.0\/s < 95% of offered 100\.0\/s/);
    assert.match(judgeStep({ ...ok, dropped: 1 }, target, 100).misses.join(), /1 dropped \(backlog of 100 full\)/);
    assert.match(judgeStep({ ...ok, unfinished: 3 }, target, 100).misses.join(), /3 requests still unfinished after the window's drain/);
    assert.match(judgeStep({ ...ok, errors: { '57014': 2 } }, target, 100).misses.join(), /2 errors \(0\.20% > 0\.10%\)/);
    assert.equal(judgeStep({ ...ok, errors: { '57014': 1 } }, target, 100).meets, true, 'one error in 1000 is within 0.1%');
    assert.match(judgeStep({ ...ok, p99Ms: null, achievedPerS: 0 }, target, 100).misses.join(), /no request completed/);
  });

  it('does not judge an invalid step: the generator, not the layout, failed', () => {
    assert.deepEqual(judgeStep({ ...ok, valid: false, dropped: 5 }, target, 100), { meets: null, misses: [] });
  });
});

describe('capacity from the steps', () => {
  it('is the last pass below the first miss', () => {
    const c = capacityOf([step(100, true), step(200, true), step(400, false)]);
    assert.deepEqual([c.kind, c.ratePerS, c.firstMissPerS, c.label], ['measured', 200, 400, '200 req/s']);
  });

  it('ignores a pass above the first miss, and takes refinement steps into account', () => {
    assert.equal(capacityOf([step(100, true), step(200, false), step(400, true)]).ratePerS, 100);
    const c = capacityOf([step(100, true), step(200, true), step(400, false), step(300, true), step(350, false)]);
    assert.deepEqual([c.ratePerS, c.firstMissPerS], [300, 350]);
  });

  it('is a lower bound when nothing missed, an upper bound when the first rate missed', () => {
    const all = capacityOf([step(100, true), step(200, true)]);
    assert.deepEqual([all.kind, all.ratePerS, all.label], ['at-least', 200, '≥ 200 req/s']);
    assert.match(all.reason!, /every rate tried met the target/);
    const below = capacityOf([step(100, false)]);
    assert.deepEqual([below.kind, below.ratePerS, below.label], ['below', 100, 'below 100 req/s']);
  });

  it('does not count an invalid step as a miss: a lower bound that says why', () => {
    const c = capacityOf([step(100, true), step(200, null), step(200, null)]);
    assert.deepEqual([c.kind, c.ratePerS], ['at-least', 100]);
    assert.match(c.reason!, /200 req\/s could not be measured validly \(load generator saturated\)/);
    const none = capacityOf([step(100, null)]);
    assert.equal(none.kind, 'not-measured');
    assert.equal(none.ratePerS, null);
    assert.match(none.label, /^not measured: no valid step/);
  });

  it('says "at least X (generator-limited)" when the generator, not the layout, stopped the sweep', () => {
    const limited = {
      ratePerS: 400,
      meets: null,
      invalidReasons: ['generator-limited: its CPU 97% of a core > 90%'],
      generatorLimited: true,
    };
    const c = capacityOf([step(100, true), step(200, true), limited]);
    assert.deepEqual([c.kind, c.ratePerS, c.label], ['at-least', 200, '≥ 200 req/s (generator-limited)']);
    assert.match(c.reason!, /400 req\/s could not be measured validly \(generator-limited/);
  });

  it('bisects to 5% and no further', () => {
    assert.equal(bisect(400, 800), 600);
    assert.equal(bisect(400, 420), null);
    assert.equal(bisect(1, 1.5), 1.25);
  });
});

describe('the sweep cursor', () => {
  const run = (
    rates: number[],
    opts: { stopAfterMisses?: number; refine?: number },
    verdict: (rate: number, attempt: number) => boolean | null,
  ) => {
    const c = new SweepCursor({ rates, stopAfterMisses: opts.stopAfterMisses ?? 1, refine: opts.refine ?? 0 });
    const tried: string[] = [];
    const attempts = new Map<number, number>();
    for (let n = 0, next = c.next(); next && n < 100; n++, next = c.next()) {
      const a = (attempts.get(next.ratePerS) ?? 0) + 1;
      attempts.set(next.ratePerS, a);
      tried.push(`${next.phase === 'refine' ? 'r' : ''}${next.ratePerS}`);
      c.record(step(next.ratePerS, verdict(next.ratePerS, a)));
    }
    return tried;
  };

  it('climbs until the first miss, then bisects `refine` times', () => {
    assert.deepEqual(
      run([100, 200, 400, 800], {}, (r) => r < 400),
      ['100', '200', '400'],
    );
    assert.deepEqual(
      run([100, 200, 400, 800], { refine: 2 }, (r) => r < 350),
      ['100', '200', '400', 'r300', 'r350'],
    );
    assert.deepEqual(
      run([100, 200], { refine: 2 }, () => true),
      ['100', '200'],
      'nothing to refine without a miss',
    );
  });

  it('goes on past a miss with stopAfterMisses > 1', () => {
    assert.deepEqual(
      run([100, 200, 400, 800], { stopAfterMisses: 2 }, (r) => r !== 200),
      ['100', '200', '400', '800'],
    );
  });

  it('retries an invalid step once, then stops there', () => {
    assert.deepEqual(
      run([100, 200, 400], {}, (r, a) => (r === 200 && a === 1 ? null : true)),
      ['100', '200', '200', '400'],
    );
    assert.deepEqual(
      run([100, 200, 400], {}, (r) => (r === 200 ? null : true)),
      ['100', '200', '200'],
    );
  });
});
