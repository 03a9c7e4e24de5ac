import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatorLimits } from './generator-limits.js';

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
  it('flags requests queueing in the router for its open connections while the server sits idle and the generator is busy', () => {
    const q = { ...calm, queueWaitMs: 100, serverBusyShare: 0.1, busyCpuPercentOfOneCore: 80, routerWaits: 12, routerOpened: 0 };
    assert.match(
      generatorLimits(q, 10).join(),
      /waited 100.0 ms on average for one of the router's open connections while the server executed statements 10%/,
    );
    assert.deepEqual(generatorLimits({ ...q, serverBusyShare: 0.6 }, 10), [], 'a busy server: the queue is the layout’s');
    assert.deepEqual(generatorLimits({ ...q, busyCpuPercentOfOneCore: 20 }, 10), [], 'an idle generator: not its queue');
    assert.deepEqual(generatorLimits({ ...q, serverBusyShare: null }, 10), [], 'server time not measured: no verdict from it');
    assert.deepEqual(generatorLimits({ ...q, routerWaits: 0 }, 10), [], 'the router never waited: a pooler’s queue or the round trip');
    assert.deepEqual(
      generatorLimits({ ...q, routerOpened: 5 }, 10),
      [],
      'the router opened connections (a capped router evicting): the layout’s doing',
    );
    assert.deepEqual(generatorLimits({ ...q, routerOpened: null }, 10), [], 'unknown router counters: no verdict');
  });
});
