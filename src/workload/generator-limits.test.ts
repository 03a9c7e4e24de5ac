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
  it("does not judge by connection queueing against the server's execution share (recorded, not a rule)", () => {
    // A database-per-tenant router at its cap opening connections, or PgBouncer queueing for its one
    // server connection: long acquires while few statements execute, decided by the layout or the pooler.
    const q = { ...calm, queueWaitMs: 100, serverBusyShare: 0.03, busyCpuPercentOfOneCore: 80 };
    assert.deepEqual(generatorLimits(q, 10), []);
    assert.match(generatorLimits({ ...q, busyCpuPercentOfOneCore: 95 }, 10).join(), /its CPU 95% of a core > 90%/);
  });
});
