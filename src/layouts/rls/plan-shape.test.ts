import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeShape, planShape } from './plan-shape.js';

// Recorded EXPLAIN (ANALYZE, BUFFERS) text of recent-orders (PostgreSQL 15, the rls tables), trimmed.
const SUBQUERY = [
  'Limit  (cost=138.99..139.02 rows=12 width=87) (actual time=0.236..0.243 rows=50 loops=1)',
  '  InitPlan 1 (returns $0)',
  '    ->  Result  (cost=0.00..0.26 rows=1 width=16) (actual time=0.031..0.031 rows=1 loops=1)',
  '  InitPlan 2 (returns $1)',
  '    ->  Result  (cost=0.00..0.26 rows=1 width=16) (actual time=0.003..0.003 rows=1 loops=1)',
  '  ->  Sort  (cost=138.47..138.50 rows=12 width=87) (actual time=0.235..0.239 rows=50 loops=1)',
  '        Sort Key: o.created_at DESC',
  '        ->  Hash Join  (cost=50.22..138.26 rows=12 width=87) (actual time=0.147..0.208 rows=120 loops=1)',
  '              ->  Bitmap Heap Scan on orders o  (cost=2.60..90.33 rows=119 width=34) (actual time=0.064..0.099 rows=120 loops=1)',
  "                    Recheck Cond: ((tenant_id = $0) AND (created_at < '2024-06-05 20:03:23.456+00'::timestamp with time zone))",
  '                    ->  Bitmap Index Scan on orders_created_at_idx  (cost=0.00..2.57 rows=119 width=0) (actual time=0.056..0.057 rows=120 loops=1)',
  "                          Index Cond: ((tenant_id = $0) AND (created_at < '2024-06-05 20:03:23.456+00'::timestamp with time zone))",
  'Execution Time: 0.302 ms',
];
const MEMBERSHIP = [
  'Limit  (cost=317.92..318.04 rows=50 width=87) (actual time=1.063..1.071 rows=50 loops=1)',
  '  ->  Sort  (cost=317.92..318.66 rows=298 width=87) (actual time=1.062..1.067 rows=50 loops=1)',
  '        ->  Hash Join  (cost=74.41..308.02 rows=298 width=87) (actual time=0.301..1.024 rows=120 loops=1)',
  '              ->  Seq Scan on orders o  (cost=1.70..230.10 rows=595 width=34) (actual time=0.026..0.729 rows=120 loops=1)',
  "                    Filter: ((hashed SubPlan 1) AND (created_at < '2024-06-05 20:03:23.456+00'::timestamp with time zone))",
  '                    Rows Removed by Filter: 5640',
  '                    SubPlan 1',
  '                      ->  Seq Scan on memberships m  (cost=0.00..1.70 rows=1 width=16) (actual time=0.005..0.011 rows=1 loops=1)',
  "                            Filter: (member = NULLIF(current_setting('app.user'::text, true), ''::text))",
];
const VOLATILE = [
  'Limit  (cost=998.74..998.77 rows=12 width=87) (actual time=27.905..27.915 rows=50 loops=1)',
  '              ->  Bitmap Heap Scan on orders o  (cost=77.61..534.96 rows=119 width=34) (actual time=25.580..26.672 rows=120 loops=1)',
  "                    Recheck Cond: (created_at < '2024-06-05 20:03:23.456+00'::timestamp with time zone)",
  "                    Filter: (tenant_id = tenantbench_tenant_volatile('app.tenant_id'::text))",
  '                    ->  Bitmap Index Scan on orders_created_at_idx  (cost=0.00..77.58 rows=1190 width=0) (actual time=25.529..25.530 rows=1191 loops=1)',
  "                          Index Cond: (created_at < '2024-06-05 20:03:23.456+00'::timestamp with time zone)",
];
const SETTING_LOOKUP = [
  'Index Scan using orders_pkey on orders o  (cost=0.29..8.31 rows=1 width=68) (actual time=0.020..0.021 rows=1 loops=1)',
  "  Index Cond: ((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid) AND (id = '555'::bigint))",
];

describe('plan shape from EXPLAIN text', () => {
  it('an InitPlan feeding the index: tenant_id in the index condition as $0 (bitmap scan: its index scan child)', () => {
    const s = planShape(SUBQUERY, 'orders');
    assert.equal(s.scan, 'Bitmap Heap Scan on orders o');
    assert.equal(s.tenantPredicate, 'index-cond');
    assert.match(s.indexCond!, /tenant_id = \$0/);
    assert.deepEqual([s.initPlans, s.subPlans, s.hashedSubPlan], [2, 0, false]);
    assert.match(describeShape(s), /^Bitmap Heap Scan on orders o; Index Cond: .*; InitPlan x2$/);
  });

  it("a membership subquery: a hashed SubPlan in the filter of a sequential scan (not the subplan scan's own filter)", () => {
    const s = planShape(MEMBERSHIP.join('\n'), 'orders');
    assert.equal(s.scan, 'Seq Scan on orders o');
    assert.equal(s.tenantPredicate, 'filter');
    assert.equal(s.indexCond, null);
    assert.match(s.filter!, /^\(\(hashed SubPlan 1\)/);
    assert.deepEqual([s.initPlans, s.subPlans, s.hashedSubPlan], [0, 1, true]);
  });

  it('a volatile function: the index finds the time range only, the tenant is a per-row filter', () => {
    const s = planShape(VOLATILE, 'orders');
    assert.equal(s.tenantPredicate, 'filter');
    assert.doesNotMatch(s.indexCond!, /tenant_id/);
    assert.match(s.filter!, /tenantbench_tenant_volatile/);
  });

  it('the top node itself may be the scan; a plan without the table says so', () => {
    const s = planShape(SETTING_LOOKUP, 'orders');
    assert.equal(s.scan, 'Index Scan using orders_pkey on orders o');
    assert.equal(s.tenantPredicate, 'index-cond');
    const none = planShape(SETTING_LOOKUP, 'customers');
    assert.deepEqual([none.scan, none.tenantPredicate], [null, 'none']);
    assert.equal(describeShape(none), 'no scan of the table in the plan');
  });
});
