import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../paths.js';
import { loadResults } from './load-results.js';
import { workloadPhasesSection } from './workload-phases-section.js';

const phase = (meanMs: number, p99Ms: number) => ({ count: 100, meanMs, p50Ms: meanMs, p95Ms: p99Ms, p99Ms, p999Ms: p99Ms, maxMs: p99Ms });

/** The recorded smoke run with phases and the acquisition split on the database layout's join. */
function summaryWith(connectP99: number, connectedShare: number) {
  const s = loadResults(join(packageRoot(), 'tests', 'fixtures', 'smoke-run')).summary;
  const q = s.workload!.layouts.database!.queries['recent-orders']!;
  q.p99Ms = 100;
  q.phases = { scheduleLateness: null, acquire: phase(3, 90), query: phase(1, 8), commit: phase(0.5, 2), meanResponseMs: 4.5 };
  q.acquisition = {
    requests: 100,
    reused: 90,
    connected: Math.round(connectedShare * 100),
    waitedThenReused: 10 - Math.round(connectedShare * 100),
    waitedThenConnected: 0,
    waitedShare: 0.1 - connectedShare,
    connectedShare,
    reusedShare: 0.9,
    wait: phase(1, 4),
    connect: phase(connectP99 / 2, connectP99),
  };
  return s;
}

describe("'Where the time goes' section", () => {
  it("splits the acquire phase and names the phase the database layout's tail comes from", () => {
    const t = workloadPhasesSection(summaryWith(88, 0.05))!.tables[0]!;
    const row = t.rows.find((r) => r.layout === 'database' && r.query === 'recent-orders')!;
    assert.ok(Math.abs((row.waitedShare as number) - 5) < 1e-9);
    assert.equal(row.connectedShare, 5);
    assert.equal(row.connectP99, 88);
    assert.equal(row.tail, 'connecting (P99 88.0 ms, 5.0% of requests)');
  });
  it('changes its verdict with the numbers: fast connects leave the tail to no single phase', () => {
    const row = workloadPhasesSection(summaryWith(20, 0.05))!.tables[0]!.rows.find((r) => r.layout === 'database')!;
    assert.equal(row.tail, 'no single phase');
  });
  it("shows the server backends' states, or why they are unknown (older bundles)", () => {
    const s = summaryWith(20, 0.05);
    const row0 = workloadPhasesSection(s)!.tables[0]!.rows.find((r) => r.layout === 'database')!;
    assert.match(String(row0.backendsIdleInTx), /^not measured/);
    s.workload!.layouts.database!.generator = {
      cpuPercentOfOneCore: 30,
      busyCpuPercentOfOneCore: 30,
      latenessP99Ms: null,
      limitedRepeats: 0,
      serverBackends: {
        samples: 40,
        meanBackends: 3,
        activeShare: 0.25,
        idleInTransactionShare: 0.6,
        idleShare: 0.15,
        reason: null,
        notJudged: null,
      },
    };
    const row = workloadPhasesSection(s)!.tables[0]!.rows.find((r) => r.layout === 'database')!;
    assert.deepEqual([row.backendsActive, row.backendsIdleInTx, row.backendsIdle], [25, 60, 15]);
  });
});
