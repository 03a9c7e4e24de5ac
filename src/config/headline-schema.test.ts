import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../errors.js';
import { resolveScenario } from './load-scenario.js';

const base = { name: 't', tenants: { count: 2 }, rows: 100 };
const headline = (h: Record<string, unknown>) => ({ ...base, headline: { calibrate: { rates: [10, 20] }, ...h } });

/** The field a rejected scenario names (UsageError's second argument, exit code 2). */
function rejected(raw: unknown): { field: string | undefined; message: string } {
  try {
    resolveScenario(raw, 'inline');
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    return { field: err.field, message: err.message };
  }
  assert.fail('accepted');
}

describe('scenario headline field', () => {
  it('resolves with its defaults: fractions 25% and 50%, the reports at 0.5/s, the calibration rates as a list', () => {
    const s = resolveScenario(headline({}), 'inline');
    assert.deepEqual(s.headline?.fractions, [0.25, 0.5]);
    assert.deepEqual(s.headline?.reports, { mix: { 'order-search': 1, 'order-report': 1 }, ratePerS: 0.5 });
    assert.deepEqual(s.headline?.calibrate.rates, [10, 20]);
    assert.equal(s.operations, 'full');
    assert.equal(resolveScenario(base, 'inline').headline, null);
  });

  it('names the offending field (exit 2)', () => {
    assert.match(rejected(headline({ fractions: [0.5, 1.5] })).field ?? '', /headline\.fractions/);
    assert.match(rejected(headline({ fractions: [0.5, 0.25] })).field ?? '', /headline\.fractions/);
    assert.match(rejected(headline({ reports: { mix: { 'no-such-query': 1 } } })).field ?? '', /headline\.reports\.mix/);
    assert.match(rejected(headline({ calibrate: { rates: [20, 10] } })).field ?? '', /headline\.calibrate\.rates/);
    assert.match(rejected({ ...base, operations: 'some' }).field ?? '', /operations/);
    const mix = { workload: { mix: { 'recent-orders': 1, 'point-lookup': 0 } } };
    assert.match(
      rejected({ ...headline({ reference: { queries: ['point-lookup'] } }), ...mix }).field ?? '',
      /headline\.reference\.queries\.0/,
    );
    assert.match(rejected({ ...headline({ reference: { queries: ['recent-orders', 'recent-orders'] } }), ...mix }).message, /listed once/);
    assert.match(rejected(headline({ reference: { queries: [] } })).field ?? '', /headline\.reference\.queries/);
    assert.match(
      rejected({ ...base, workload: { warmUntilStable: { maxWindows: 1 } } }).field ?? '',
      /workload\.warmUntilStable\.maxWindows/,
    );
  });

  it('resolves the reference and the warm-up: off unless given, then recent-orders and 3 s windows within 0.5 points, at most 6', () => {
    assert.equal(resolveScenario(headline({}), 'inline').headline?.reference, null);
    assert.deepEqual(resolveScenario(headline({ reference: {} }), 'inline').headline?.reference, {
      tool: 'pgbench',
      queries: ['recent-orders'],
    });
    assert.equal(resolveScenario(base, 'inline').workload.warmUntilStable, null);
    assert.deepEqual(resolveScenario({ ...base, workload: { warmUntilStable: {} } }, 'inline').workload.warmUntilStable, {
      windowSeconds: 3,
      stableWithinPoints: 0.5,
      maxWindows: 6,
    });
  });
});
