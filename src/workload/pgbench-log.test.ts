import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addPgbenchLog, emptyPgbenchLog } from './pgbench-log.js';
import { pgbenchLiteral, pgbenchScripts } from './pgbench-reference.js';
import { CompiledMix } from './compiled-mix.js';
import { planDataset } from '../../seed/tenant-plan.js';

// Recorded pgbench 15 per-transaction logs (-l): a closed-loop run, and one under --rate with the
// schedule_lag column and a transaction skipped by --latency-limit.
const CLOSED = `0 199 2241 0 1175850568 995598
0 200 2465 0 1175850568 998079
0 201 2513 0 1175850569 608
1 1 1520 1 1175850569 2663
`;
const RATE = `0 81 4621 0 1412881037 912698 3005
0 82 6173 0 1412881037 914578 4304
0 83 skipped 0 1412881037 914578 5217
0 83 1534 0 1412881037 916032 1201
not a record
`;

describe('pgbench per-transaction log', () => {
  it('reads a closed-loop log into HdrHistograms (µs to ms), per script too', () => {
    const log = addPgbenchLog(emptyPgbenchLog(), CLOSED);
    assert.equal(log.ok, 4);
    assert.equal(log.response.count, 4);
    assert.equal(log.response.maxMs(), 2.513);
    assert.equal(log.response.percentileMs(0), 1.52);
    assert.equal(log.perScript.get(0)!.count, 3);
    assert.equal(log.perScript.get(1)!.count, 1);
    assert.equal(log.scheduleLag.count, 0, 'no lag column without --rate');
    assert.equal(log.firstAt, 1175850568.995598);
    assert.equal(log.lastAt, 1175850569.002663);
  });

  it('reads --rate logs: latency from the scheduled start, schedule lag, skipped and malformed lines counted', () => {
    const log = addPgbenchLog(emptyPgbenchLog(), RATE, { rate: true });
    assert.equal(log.ok, 3);
    assert.equal(log.skipped, 1);
    assert.equal(log.malformed, 1);
    assert.equal(log.response.maxMs(), 6.173);
    assert.equal(log.scheduleLag.count, 3);
    assert.equal(log.scheduleLag.maxMs(), 4.304);
  });

  it('counts failed transactions per script (pgbench 15+ "failed" in the time column)', () => {
    const log = addPgbenchLog(emptyPgbenchLog(), `${CLOSED}1 2 failed 1 1175850569 3000\n1 3 failed 1 1175850569 4000\n`);
    assert.equal(log.failed, 2);
    assert.equal(log.failedPerScript.get(1), 2);
    assert.equal(log.ok, 4);
  });

  it('leaves out completions before the warm-up ends', () => {
    const log = addPgbenchLog(emptyPgbenchLog(), CLOSED, { rate: false, fromEpochS: 1175850569 });
    assert.equal(log.ok, 2);
  });
});

describe('pgbench scripts from the query registry', () => {
  const plan = planDataset({ seed: 1, tenants: 3, rows: 3000, sizes: { kind: 'uniform' } });
  it('writes literals pgbench leaves alone (no ":" a prepared script would take for a variable)', () => {
    assert.equal(pgbenchLiteral(42), '42');
    assert.equal(pgbenchLiteral("o'k"), "'o''k'");
    assert.equal(pgbenchLiteral('2024-05-01T10:20:30.000Z'), "E'2024-05-01T10\\x3a20\\x3a30.000Z'");
    assert.equal(pgbenchLiteral({}), null);
  });

  it('builds BEGIN, context, query, END per tenant; reports a query it cannot express instead of skipping it', () => {
    const mix = new CompiledMix({ 'recent-orders': 3, 'create-order': 1 }, true);
    const set = pgbenchScripts({
      queries: mix.queries,
      weights: [3, 1],
      tenants: plan.tenants.map((t) => ({ tenant: t, share: 1 / 3 })),
      shape: () => ({ tenantFilter: true, tenantColumn: true }),
      contextSql: (t) => `SELECT set_config('app.tenant_id', '${t.id}', true)`,
      variants: 2,
      seed: 1,
    });
    assert.equal(set.scripts.length, 6, '3 tenants x 2 parameter sets');
    assert.deepEqual(
      set.notExpressible.map((n) => n.query),
      ['create-order'],
    );
    const s = set.scripts[0]!;
    assert.match(s.text, /^BEGIN;\nSELECT set_config\('app.tenant_id', '[0-9a-f-]{36}', true\);\nSELECT .* LIMIT 50;\nEND;\n$/);
    assert.doesNotMatch(s.text.split('\n')[2]!, /\$\d/, 'every placeholder replaced');
    assert.ok(s.text.includes(plan.tenants[0]!.id));
  });
});
