/**
 * A short real run records the cache protocol and the intervals: per layout, the prewarm, the
 * buffer hit ratio of every measured window in [0, 1] with its bytes read, warm or cold; per query,
 * 95% intervals of P50 (and of P99 once 1,000 requests were measured).
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Summary } from '../src/results/summary-schema.js';
import { summarySchema } from '../src/results/summary-schema.js';
import { readJson, runCli, tempDir } from './helpers.js';

function scenarioFile(): string {
  const p = join(tempDir('tenantbench-cache-'), 'tiny-cache.yaml');
  writeFileSync(
    p,
    `name: tiny-cache
seed: 5
tenants: { count: 4, sizes: { kind: zipf, s: 1 } }
rows: 4000
layoutOptions:
  database: { maxConnections: 4 }
workload:
  users: 4
  warmupSeconds: 0.3
  durationSeconds: 2
  intervalSeconds: 0.25
  repeats: 2
`,
  );
  return p;
}

describe('run: cache protocol and intervals on tiny data', () => {
  it('records hit ratios in [0, 1], bytes read, the prewarm, and P50/P99 intervals', async () => {
    const results = tempDir('tenantbench-res-');
    const r = await runCli(
      ['run', '--scenario', scenarioFile(), '--layouts', 'shared,database', '--profile', 'test', '--results-dir', results, '-q'],
      { timeoutMs: 240_000 },
    );
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const summary = summarySchema.parse(readJson<Summary>(join(results, readdirSync(results)[0]!, 'summary.json')));
    for (const layout of ['shared', 'database'] as const) {
      const l = summary.workload!.layouts[layout]!;
      const c = l.cache!;
      assert.ok(c, `${layout}: cache recorded`);
      assert.equal(c.reason, null, `${layout}: ${c.reason}`);
      assert.equal(c.windows.length, 2);
      for (const w of c.windows) {
        assert.ok(w.hitRatio !== null && w.hitRatio >= 0 && w.hitRatio <= 1, `${layout} window hit ratio ${w.hitRatio}`);
        assert.ok(w.blksHit + w.blksRead > 0 && w.bytesRead === w.blksRead * 8192, JSON.stringify(w));
      }
      assert.ok(c.state === 'warm' || c.state === 'cold');
      // 4,000 rows fit in any shared_buffers: prewarmed into them.
      assert.equal(c.prewarm?.mode, 'buffer', JSON.stringify(c.prewarm));
      assert.ok(c.prewarm!.blocks > 0);
      const all = l.all!;
      const iv = all.intervals!;
      assert.equal(iv.method, 'moving-block-bootstrap');
      if (!all.valid) continue; // a loaded machine may lag: then percentiles are withheld
      assert.ok(iv.p50Ms && iv.p50Ms.loMs <= iv.p50Ms.hiMs, JSON.stringify(iv));
      // A P99 interval needs 10 requests beyond it (1,000 in all); below that, none rather than a too narrow one.
      if (all.count >= 1000) assert.ok(iv.p99Ms && iv.p99Ms.loMs <= iv.p99Ms.hiMs, JSON.stringify(iv));
      else assert.equal(iv.p99Ms, null, `${layout}: ${all.count} requests`);
    }
  });
});
