import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../errors.js';
import { resolveScenario } from './load-scenario.js';

const base = { tenants: { count: 3 }, rows: 300 };
const query = {
  name: 'mine',
  sql: 'SELECT o.id FROM orders o WHERE {{tenant o}} AND o.id = $1',
  params: [{ kind: 'own-id', table: 'orders' }],
};

function problem(raw: Record<string, unknown>): { field: string | undefined; message: string } {
  try {
    resolveScenario({ ...base, ...raw }, 'test.yaml');
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    assert.equal(err.exitCode, 2);
    return { field: err.field, message: err.message };
  }
  assert.fail('accepted');
}

describe('scenario queries: validation', () => {
  it('accepts declared queries, which the mix then names beside the built-in ones', () => {
    const s = resolveScenario({ ...base, queries: [query], workload: { mix: { mine: 2, 'recent-orders': 1 } } }, 'test.yaml');
    assert.equal(s.queries?.[0]?.name, 'mine');
    assert.equal(s.queries?.[0]?.writes, false);
    // Absent when not declared: scenario.json of other scenarios does not change.
    assert.equal('queries' in resolveScenario(base, 'test.yaml'), false);
  });

  it('names the field and the allowed kinds for an unknown parameter kind', () => {
    const p = problem({ queries: [query, { ...query, name: 'two', params: [{ kind: 'uuid' }] }] });
    assert.equal(p.field, 'queries.1.params.0.kind');
    assert.match(p.message, /expected one of own-id, timestamp, int-range, pick, own-row/);
  });

  it('refuses a built-in or repeated name, writes, a bad own-row column, an empty range, a placeholder count mismatch', () => {
    assert.match(problem({ queries: [{ ...query, name: 'point-lookup' }] }).message, /"point-lookup" is a built-in query/);
    assert.equal(problem({ queries: [query, query] }).field, 'queries.1.name');
    const w = problem({ queries: [{ ...query, writes: true }] });
    assert.equal(w.field, 'queries.0.writes');
    assert.match(w.message, /must be read-only/);
    const col = problem({ queries: [{ ...query, params: [{ kind: 'own-row', table: 'customers', column: 'mail' }] }] });
    assert.equal(col.field, 'queries.0.params.0.column');
    assert.match(col.message, /allowed: id, name, email/);
    assert.equal(problem({ queries: [{ ...query, params: [{ kind: 'int-range', min: 5, max: 1 }] }] }).field, 'queries.0.params.0.max');
    assert.match(problem({ queries: [{ ...query, params: [] }] }).message, /uses \$1\.\.\$1 but 0 params are declared/);
  });

  it('refuses SQL missing a tenant marker, at queries.N.sql', () => {
    const p = problem({ queries: [{ ...query, sql: 'SELECT o.id FROM orders o WHERE o.id = $1' }] });
    assert.equal(p.field, 'queries.0.sql');
    assert.match(p.message, /no \{\{tenant o\}\} marker/);
  });

  it('refuses a mix naming an undeclared query, listing the declared ones', () => {
    const p = problem({ queries: [query], workload: { mix: { other: 1 } } });
    assert.equal(p.field, 'workload.mix.other');
    assert.match(p.message, /allowed: recent-orders, .*create-order, mine/);
  });
});
