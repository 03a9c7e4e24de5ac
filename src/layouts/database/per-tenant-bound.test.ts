import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDataset } from '../../../seed/tenant-plan.js';
import { resolveScenario } from '../../config/load-scenario.js';
import { perTenantBound } from './per-tenant-bound.js';

const scenario = (workload: Record<string, unknown>, count = 100) =>
  resolveScenario({ tenants: { count, sizes: { kind: 'zipf', s: 1 } }, rows: 100_000, workload }, 'b.yaml');
const tenantsOf = (count: number) => planDataset({ seed: 1, tenants: count, rows: 100_000, sizes: { kind: 'zipf', s: 1 } }).tenants;

describe('per-tenant connection bound of the database router', () => {
  it('uniform: ceil(users / tenants) + 1 each, which fits 50 users over 100 tenants under a cap of 200', () => {
    const tenants = tenantsOf(100);
    const bound = perTenantBound(scenario({ users: 50, tenantChoice: { kind: 'uniform' } }), tenants);
    assert.deepEqual(new Set(tenants.map(bound)), new Set([2]));
  });
  it('weighted: the big tenant gets its share of the users plus one; small ones an equal share', () => {
    const tenants = tenantsOf(6);
    const bound = perTenantBound(scenario({ users: 8, tenantChoice: { kind: 'weighted' } }, 6), tenants);
    // zipf(1) over 6 tenants: the largest holds 1 / H6 = 40.8% of the rows: ceil(8 x 0.408) + 1 = 5.
    assert.equal(bound(tenants[0]!), 5);
    assert.equal(bound(tenants[5]!), 3, 'ceil(8 / 6) + 1');
  });
  it("the caller's concurrency (RouterOptions) replaces the users, and a hot tenant gets most", () => {
    const tenants = tenantsOf(10);
    const bound = perTenantBound(scenario({ users: 50, tenantChoice: { kind: 'hot', share: 0.5 } }, 10), tenants, 20);
    assert.equal(bound(tenants[0]!), 11, 'ceil(20 x 0.5) + 1');
    assert.equal(bound(tenants[1]!), 3, 'an equal share: ceil(20 / 10) + 1');
  });
  it("adds the noisy neighbour's loops to its tenant", () => {
    const tenants = tenantsOf(100);
    const w = { users: 50, noisyNeighbour: { users: 4 } };
    const bound = perTenantBound(scenario(w), tenants);
    assert.equal(bound(tenants[0]!), 2 + 4);
    assert.equal(bound(tenants[1]!), 2);
  });
});
