import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../errors.js';
import { loadScenario, resolveScenario } from './load-scenario.js';

const base = { tenants: { count: 4 }, rows: 1000 };

function field(
  rateSweep: unknown,
  overrides: Record<string, unknown> | undefined = undefined,
): { field: string | undefined; message: string } {
  try {
    resolveScenario({ ...base, rateSweep }, 's.yaml', overrides ? { rateSweep: overrides } : {});
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    assert.equal(err.exitCode, 2);
    return { field: err.field, message: err.message };
  }
  assert.fail('expected a UsageError');
}

describe('scenario rateSweep field', () => {
  it('is absent unless asked for, and defaults to 100/s doubling with a 50 ms P99 target', () => {
    assert.equal(resolveScenario(base, 's.yaml').rateSweep, null);
    const r = resolveScenario({ ...base, rateSweep: {} }, 's.yaml').rateSweep!;
    assert.deepEqual(r.rates.slice(0, 4), [100, 200, 400, 800]);
    assert.equal(r.rates.at(-1), 102_400);
    assert.equal(r.p99TargetMs, 50);
    assert.equal(r.stopAfterMisses, 1);
    assert.ok(Object.isFrozen(r.rates));
  });

  it('expands geometric and linear series up to max, and keeps a list as given', () => {
    assert.deepEqual(
      resolveScenario({ ...base, rateSweep: { rates: { start: 100, factor: 1.5, max: 500 } } }, 's.yaml').rateSweep!.rates,
      [100, 150, 225, 338],
    );
    assert.deepEqual(
      resolveScenario({ ...base, rateSweep: { rates: { start: 50, step: 50, max: 200 } } }, 's.yaml').rateSweep!.rates,
      [50, 100, 150, 200],
    );
    assert.deepEqual(resolveScenario({ ...base, rateSweep: { rates: [5, 10, 2000] } }, 's.yaml').rateSweep!.rates, [5, 10, 2000]);
  });

  it('refuses bad fields with exit 2, naming the field', () => {
    assert.equal(field({ rates: [100, 50] }).field, 'rateSweep.rates.1');
    assert.match(field({ rates: [100, 100] }).message, /not above the rate before it/);
    assert.equal(field({ rates: [100, -5] }).field, 'rateSweep.rates.1');
    assert.equal(field({ rates: [] }).field, 'rateSweep.rates');
    assert.match(field({ rates: 'fast' }).message, /expected a list of rates .* or a series \{start, factor or step, max\}/);
    const both = field({ rates: { start: 1, factor: 2, step: 1, max: 8 } });
    assert.equal(both.field, 'rateSweep.rates');
    assert.match(both.message, /exactly one of factor .* or step/);
    assert.equal(field({ rates: { start: 100, factor: 1, max: 800 } }).field, 'rateSweep.rates.factor');
    assert.equal(field({ rates: { start: 800, factor: 2, max: 100 } }).field, 'rateSweep.rates.max');
    assert.equal(field({ rates: { start: 1, step: 1, max: 1000 } }).field, 'rateSweep.rates.step');
    assert.equal(field({ p99TargetMs: 0 }).field, 'rateSweep.p99TargetMs');
    assert.equal(field({ minAchievedFraction: 1.5 }).field, 'rateSweep.minAchievedFraction');
    assert.equal(field({ refine: 1.5 }).field, 'rateSweep.refine');
    const unknown = field({ p99Target: 50 });
    assert.equal(unknown.field, 'rateSweep.p99Target');
    assert.match(unknown.message, /unknown field "p99Target"/);
  });

  it('takes command-line overrides over the file, validated the same way', () => {
    const r = resolveScenario({ ...base, rateSweep: { p99TargetMs: 20 } }, 's.yaml', { rateSweep: { rates: [10, 20] } }).rateSweep!;
    assert.deepEqual([...r.rates], [10, 20]);
    assert.equal(r.p99TargetMs, 20);
    assert.equal(resolveScenario({ ...base, rateSweep: {} }, 's.yaml', { rateSweep: false }).rateSweep, null);
    assert.equal(field({}, { rates: [0] }).field, 'rateSweep.rates.0');
  });

  it("sizes the capacity scenario's sweep for a 2-core machine", () => {
    const s = loadScenario('capacity');
    const sweep = s.rateSweep!;
    assert.equal(sweep.rates[0], 100);
    assert.equal(sweep.p99TargetMs, 50);
    assert.equal(s.workload.mode, 'closed', "the main table's workload stays closed loop; the sweep is open loop");
    assert.ok(s.workload.maxBacklog <= 5000);
  });
});
