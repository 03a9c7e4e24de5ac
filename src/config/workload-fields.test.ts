import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../errors.js';
import { loadScenario, resolveScenario } from './load-scenario.js';
import { scenarioFileSchema } from './scenario-schema.js';

const base = { tenants: { count: 4 }, rows: 1000 };

function usage(workload: unknown, overrides: Record<string, unknown> = {}): UsageError {
  try {
    resolveScenario({ ...base, workload }, 'w.yaml', { workload: overrides });
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    assert.equal(err.exitCode, 2);
    return err;
  }
  assert.fail('expected a UsageError');
}

describe('scenario workload fields', () => {
  it("default to the schema's defaults", () => {
    const w = resolveScenario(base, 'w.yaml').workload;
    assert.deepEqual(w.mix, scenarioFileSchema.parse(base).workload.mix);
    assert.deepEqual(w.mix, { 'recent-orders': 40, 'point-lookup': 30, 'order-search': 10, 'order-report': 10, 'create-order': 10 });
    assert.equal(w.mode, 'closed');
    assert.equal(w.users, 50);
    assert.equal(w.repeats, 3);
    assert.equal(w.prepared, true);
    assert.equal(w.noisyNeighbour, null);
    assert.equal(w.http, null);
    assert.ok(Object.isFrozen(w));
  });

  it('take command-line overrides, validated like the file', () => {
    const w = resolveScenario({ ...base, workload: { users: 3, repeats: 2 } }, 'w.yaml', {
      workload: { repeats: 5, mode: 'open', ratePerS: 100 },
    }).workload;
    assert.equal(w.users, 3);
    assert.equal(w.repeats, 5);
    assert.equal(w.mode, 'open');
    assert.equal(w.ratePerS, 100);
    assert.equal(usage({}, { repeats: 0 }).field, 'workload.repeats');
  });

  it('name the field of a bad mix: unknown query, weights summing to 0, a negative weight', () => {
    const unknown = usage({ mix: { 'recent-orders': 1, 'table-scan': 1 } });
    assert.equal(unknown.field, 'workload.mix.table-scan');
    assert.match(unknown.message, /unknown query "table-scan"; allowed: recent-orders, point-lookup/);
    const zero = usage({ mix: { 'recent-orders': 0 } });
    assert.equal(zero.field, 'workload.mix');
    assert.match(zero.message, /sum to 0/);
    assert.equal(usage({ mix: { 'recent-orders': -1 } }).field, 'workload.mix.recent-orders');
  });

  it('refuse unknown fields, bad enums and tenants that do not exist', () => {
    assert.equal(usage({ thinktime: 1 }).field, 'workload.thinktime');
    assert.equal(usage({ arrival: 'bursty' }).field, 'workload.arrival');
    assert.equal(usage({ tenantChoice: { kind: 'hot', share: 0.5, tenant: 't0009' } }).field, 'workload.tenantChoice.tenant');
    assert.equal(usage({ noisyNeighbour: { query: 'nope' } }).field, 'workload.noisyNeighbour.query');
  });

  it('give the smoke scenario a workload of seconds', () => {
    const w = loadScenario('smoke').workload;
    const seconds = w.repeats * (w.warmupSeconds + w.durationSeconds) * loadScenario('smoke').layouts.length;
    assert.ok(seconds <= 60, `${seconds} s`);
  });
});
