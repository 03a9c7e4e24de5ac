import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../errors.js';
import { listScenarioNames, loadScenario, resolveScenario } from './load-scenario.js';

const base = { tenants: { count: 10 }, rows: 1000 };

function expectUsage(raw: unknown, field: string, pattern: RegExp): void {
  assert.throws(
    () => resolveScenario(raw, 'test.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, `UsageError, got ${String(err)}`);
      assert.equal(err.exitCode, 2);
      assert.equal(err.field, field);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('scenario validation', () => {
  it('accepts every scenario shipped in scenarios/', () => {
    const names = listScenarioNames();
    assert.ok(names.includes('default') && names.includes('smoke'));
    for (const n of names) assert.ok(loadScenario(n).tenants > 0, n);
  });

  it('resolves defaults in one place and freezes the result', () => {
    const s = resolveScenario(base, 'x/test.yaml');
    assert.equal(s.name, 'test');
    assert.equal(s.seed, 42);
    assert.deepEqual(s.layouts, ['shared', 'rls', 'schema', 'database', 'hybrid']);
    assert.equal(s.layoutOptions.hybrid.dedicated, 1);
    assert.ok(Object.isFrozen(s) && Object.isFrozen(s.layoutOptions.hybrid));
  });

  it('rejects an unknown field, naming it', () => {
    expectUsage({ ...base, tenantz: 3 }, 'tenantz', /unknown field "tenantz"/);
    expectUsage({ ...base, tenants: { count: 3, size: 'x' } }, 'tenants.size', /unknown field "size"/);
  });

  it('rejects a wrong type, naming the field', () => {
    expectUsage({ ...base, rows: 'many' }, 'rows', /field "rows"/);
  });

  it('rejects a negative or zero count', () => {
    expectUsage({ ...base, tenants: { count: -1 } }, 'tenants.count', /field "tenants.count"/);
    expectUsage({ ...base, rows: 0 }, 'rows', /field "rows"/);
  });

  it('rejects fewer rows than tenants', () => {
    expectUsage({ tenants: { count: 10 }, rows: 9 }, 'rows', /fewer than the 10 tenants/);
  });

  it('rejects an unknown layout, listing the allowed ones', () => {
    expectUsage({ ...base, layouts: ['rls', 'sharded'] }, 'layouts.1', /allowed: shared, rls, schema, database, hybrid/);
  });

  it('rejects an unknown size distribution, listing the allowed ones', () => {
    expectUsage({ ...base, tenants: { count: 3, sizes: { kind: 'pareto' } } }, 'tenants.sizes.kind', /uniform.*zipf.*enterprise|allowed/);
  });

  it('rejects as many enterprise tenants as tenants', () => {
    expectUsage(
      { tenants: { count: 3, sizes: { kind: 'enterprise', count: 3, share: 0.5 } }, rows: 100 },
      'tenants.sizes.count',
      /fewer than tenants.count/,
    );
  });

  it('applies command-line overrides before validating them', () => {
    assert.equal(resolveScenario(base, 't.yaml', { tenants: 5 }).tenants, 5);
    assert.throws(() => resolveScenario(base, 't.yaml', { layouts: ['nope'] }), UsageError);
    assert.throws(() => resolveScenario(base, 't.yaml', { tenants: 5000 }), /fewer than the 5000 tenants/);
  });

  it('names the scenarios available when a name is unknown', () => {
    assert.throws(() => loadScenario('no-such-scenario'), /unknown scenario "no-such-scenario"; allowed: .*default.*smoke/);
  });
});
