import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../paths.js';
import type { LayoutCache } from '../results/cache-schema.js';
import { cacheSection } from './cache-section.js';
import { loadResults } from './load-results.js';

const smoke = () => loadResults(join(packageRoot(), 'tests', 'fixtures', 'smoke-run')).summary;

const cache = (ratios: number[]): LayoutCache => ({
  reason: null,
  state: ratios.every((r) => r >= 0.99) ? 'warm' : 'cold',
  hitRatio: ratios.reduce((a, b) => a + b, 0) / ratios.length,
  bytesRead: 8192 * 100,
  prewarm: {
    mode: 'buffer',
    workingSetBytes: 5 * 1048576,
    sharedBuffersBytes: 128 * 1048576,
    effectiveCacheBytes: null,
    blocks: 640,
    seconds: 1,
    reason: null,
  },
  windows: ratios.map((hitRatio, repeat) => ({
    repeat,
    valid: true,
    hitRatio,
    blksHit: 0,
    blksRead: 0,
    bytesRead: 0,
    warmupHitRatio: null,
    flag: repeat === 1 && hitRatio < 0.97 ? 'buffer hit ratio differs' : null,
  })),
});

describe('cache section', () => {
  it('states warm or cold with the figures, and the flagged window', () => {
    const s = structuredClone(smoke());
    s.workload!.layouts.shared!.cache = cache([0.999, 0.998]);
    s.workload!.layouts.rls!.cache = cache([0.995, 0.95, 0.996]);
    const t = cacheSection(s)!.tables[0]!;
    assert.match(t.description, /some warm, some cold/);
    const rls = t.rows.find((r) => r.layout === 'rls')!;
    assert.equal(rls.state, 'cold');
    assert.equal(rls.flagged, 1);
    assert.ok(t.notes.some((n) => /rls, repeat 1: buffer hit ratio differs \(flagged, not invalid\)/.test(n)));
  });

  it('is absent for bundles without cache figures', () => {
    assert.equal(cacheSection(smoke()), null);
  });
});
