import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDataset } from '../../seed/tenant-plan.js';
import type { TenantLocation } from '../layouts/layout.js';
import { transactionContextSql } from './pgbench-context.js';
import { splitConnections, tenantShares } from './pgbench-plan.js';

const tenants = planDataset({ tenants: 4, rows: 4000, sizes: { kind: 'zipf', s: 1 }, seed: 3 }).tenants;

describe('pgbench reference plan', () => {
  it('splits connections by share, at least one per process, the workload total when it can', () => {
    assert.deepEqual(splitConnections(8, [0.5, 0.25, 0.25]), [4, 2, 2]);
    assert.deepEqual(splitConnections(8, [1]), [8]);
    const six = splitConnections(8, [0.41, 0.2, 0.14, 0.1, 0.08, 0.07]);
    assert.equal(
      six.reduce((a, x) => a + x, 0),
      8,
    );
    assert.ok(six.every((x) => x >= 1));
    assert.ok(six[0]! >= six[5]!);
    assert.deepEqual(splitConnections(2, [0.25, 0.25, 0.25, 0.25]), [1, 1, 1, 1], 'more processes than connections: one each');
  });

  it("gives each tenant the tenant chooser's share", () => {
    const sum = (m: Map<unknown, number>) => [...m.values()].reduce((a, x) => a + x, 0);
    const uniform = tenantShares({ kind: 'uniform' }, tenants);
    assert.ok([...uniform.values()].every((x) => x === 0.25));
    const weighted = tenantShares({ kind: 'weighted' }, tenants);
    assert.ok(Math.abs(sum(weighted) - 1) < 1e-9);
    assert.equal(weighted.get(tenants[0]!), tenants[0]!.rows / tenants.reduce((a, t) => a + t.rows, 0));
    const hot = tenantShares({ kind: 'hot', tenant: tenants[2]!.slug, share: 0.7 }, tenants);
    assert.equal(hot.get(tenants[2]!), 0.7);
    assert.ok(Math.abs(hot.get(tenants[0]!)! - 0.1) < 1e-9);
  });

  it("sets the tenant's context from its location: setting, search_path, role, or none", () => {
    const t = tenants[0]!;
    const at = (context: TenantLocation['context']): TenantLocation => ({
      database: 'db',
      schema: t.slug,
      loginRole: 'app',
      tenantRole: 'tenant_role',
      pooled: context === 'setting' || context === 'none',
      appFilter: context === 'none',
      rls: context === 'setting',
      context,
      unit: t.slug,
    });
    assert.match(transactionContextSql(at('setting'), t), new RegExp(`set_config\\('app.tenant_id', '${t.id}', true\\)`));
    assert.equal(transactionContextSql(at('search_path'), t), `SELECT set_config('search_path', '"${t.slug}", pg_temp', true)`);
    assert.match(transactionContextSql(at('role'), t), /; SET LOCAL ROLE "tenant_role"$/);
    assert.equal(transactionContextSql(at('database'), t), '');
    assert.equal(transactionContextSql(at('none'), t), '');
  });
});
