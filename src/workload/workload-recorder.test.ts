import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../seed/prng.js';
import { planDataset } from '../../seed/tenant-plan.js';
import type { RequestOutcome } from './execute-request.js';
import { tenantClasses } from './tenant-chooser.js';
import { WorkloadRecorder } from './workload-recorder.js';

const plan = planDataset({ seed: 3, tenants: 8, rows: 8000, sizes: { kind: 'zipf', s: 1 } });
const classes = tenantClasses(plan.tenants);

describe('recorders of several generator threads, merged', () => {
  it('equal one recorder of all the samples: every histogram, count, error and interval, exactly', () => {
    const rnd = mulberry32(42);
    const threads = 3;
    const all = new WorkloadRecorder(2, classes, true);
    const parts = Array.from({ length: threads }, () => new WorkloadRecorder(2, classes, true));
    for (const r of [all, ...parts]) r.begin(0);
    for (let interval = 1; interval <= 4; interval++) {
      for (let i = 0; i < 3000; i++) {
        const part = parts[Math.floor(rnd() * threads)]!;
        const q = rnd() < 0.7 ? 0 : 1;
        const tenant = plan.tenants[Math.floor(rnd() * plan.tenants.length)]!;
        if (rnd() < 0.02) {
          const label = rnd() < 0.5 ? '40001' : 'connection';
          const late = rnd() * 3;
          for (const r of [all, part]) r.error(q, label, late > 2, late);
          continue;
        }
        // Latencies over five decades (µs to seconds), so many buckets are exercised.
        const start = interval * 1000 + rnd();
        const out: RequestOutcome = { error: null, startAt: start + rnd() * 2, acquiredAt: 0, queryDoneAt: 0, endAt: 0 };
        out.acquiredAt = out.startAt + 10 ** (rnd() * 4 - 2);
        out.queryDoneAt = out.acquiredAt + 10 ** (rnd() * 5 - 3);
        out.endAt = out.queryDoneAt + rnd();
        const late = rnd() < 0.1;
        for (const r of [all, part]) r.ok(q, tenant, start, out, late, true);
      }
      // Each thread closes its interval on its own timer: a little apart.
      all.closeInterval(interval * 1000);
      parts.forEach((p, k) => {
        p.closeInterval(interval * 1000 - k * 0.5);
      });
    }
    const merged = WorkloadRecorder.merge(
      parts.map((p) => structuredClone(p.encode())),
      2,
      classes,
    );
    for (let q = 0; q < 2; q++) {
      const a = all.queries[q]!;
      const m = merged.queries[q]!;
      assert.equal(m.ok, a.ok);
      assert.equal(m.late, a.late);
      assert.deepEqual([...m.errors].sort(), [...a.errors].sort());
      const mh = new Map(m.histograms());
      assert.ok(a.histograms().length >= 8, 'every phase histogram is walked');
      for (const [path, h] of a.histograms()) {
        const other = mh.get(path)!;
        assert.equal(other.count, h.count, path);
        // Same encoding = the same count in every bucket, min, max.
        assert.equal(other.encode(), h.encode(), path);
        for (const p of [0, 1, 25, 50, 90, 99, 99.9, 100]) assert.equal(other.percentileMs(p), h.percentileMs(p), `${path} P${p}`);
      }
    }
    assert.equal(merged.generatorLateness.encode(), all.generatorLateness.encode());
    assert.equal(merged.intervals.length, all.intervals.length);
    merged.intervals.forEach((row, i) => {
      const a = all.intervals[i]!;
      assert.equal(row.ok, a.ok);
      assert.equal(row.errors, a.errors);
      assert.equal(row.p50Ms, a.p50Ms);
      assert.equal(row.p99Ms, a.p99Ms);
      // The HDR encoding (V2, as every HdrHistogram library's) carries bucket counts, not the raw
      // max: decoded, the max is its bucket's value, within the histogram's 0.1% (3 digits).
      assert.ok(Math.abs(row.maxMs! - a.maxMs!) <= a.maxMs! * 0.001, `max ${row.maxMs} vs ${a.maxMs}`);
      assert.equal(row.atSeconds, a.atSeconds);
    });
  });
});
