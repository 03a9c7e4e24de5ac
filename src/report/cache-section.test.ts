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

  it('states the warm-up until stable: the hit ratio after N windows, or that it did not stabilise', () => {
    const s = structuredClone(smoke());
    const warm = { windowSeconds: 3, stableWithinPoints: 0.5, maxWindows: 4 };
    const shared = cache([0.999, 0.998]);
    shared.windows[0]!.warmUp = { ...warm, windows: 2, hitRatios: [0.997, 0.998], stable: true, finalHitRatio: 0.998, seconds: 7.2 };
    shared.windows[1]!.warmUp = { ...warm, windows: 4, hitRatios: [0.5, 0.6, 0.7, 0.8], stable: false, finalHitRatio: 0.8, seconds: 15 };
    s.workload!.layouts.shared!.cache = shared;
    const t = cacheSection(s)!.tables[0]!;
    assert.equal(t.rows.find((r) => r.layout === 'shared')!.warmUp, '0: 99.80% after 2, 1: not stable after 4');
    assert.ok(t.notes.includes('shared, repeat 0: warm: hit ratio 99.80% after 2 warm-up window(s) of 3 s (7 s).'));
    assert.ok(t.notes.some((n) => n.startsWith('shared, repeat 1: warm: did not stabilise within 4 warm-up windows of 3 s (15 s')));
    s.workload!.layouts.shared!.cache = cache([0.999, 0.998]);
    assert.ok(!cacheSection(s)!.tables[0]!.columns.some((c) => c.key === 'warmUp'));
  });

  it('is absent for bundles without cache figures', () => {
    assert.equal(cacheSection(smoke()), null);
  });
});
