/**
 * The server goes away in the middle of a measurement and does not come back: the driver notices
 * (connection errors and no success for maxOutageSeconds), stops early instead of spinning until
 * the end, and keeps what it measured, marked incomplete.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import type { LayoutContext } from '../src/layouts/layout.js';
import type { EmbeddedTarget } from '../src/target/embedded-target.js';
import { measureSegment } from '../src/workload/measure-segment.js';
import { summarizeLayout } from '../src/workload/summarize-workload.js';
import { tinyScenario } from './helpers.js';
import { startSeeded } from './seeded-target.js';

let target: EmbeddedTarget;
let ctx: LayoutContext;

before(async () => {
  ({ target, ctx } = await startSeeded('shared', 'tbg'));
});

after(async () => {
  await target?.stop();
});

describe('the target stops during a run', () => {
  it('stops the segment early, keeps the results so far, and marks them incomplete', async () => {
    const w = tinyScenario({
      workload: {
        mode: 'closed',
        users: 2,
        warmupSeconds: 0.2,
        durationSeconds: 30,
        repeats: 1,
        mix: { 'point-lookup': 1 },
        maxOutageSeconds: 1,
        intervalSeconds: 0.5,
      },
    }).workload;
    let stopped: Promise<void> = Promise.resolve();
    const t0 = performance.now();
    const seg = await measureSegment({
      ctx,
      layout: 'shared',
      workload: w,
      repeat: 0,
      onMeasureStart: () => {
        stopped = new Promise((r) => setTimeout(r, 1000)).then(() => target.stop());
      },
    });
    await stopped;
    const seconds = (performance.now() - t0) / 1000;
    assert.ok(seconds < 15, `stopped early: ${seconds.toFixed(1)} s of a 30 s window`);
    assert.equal(seg.incomplete, true);
    assert.match(seg.invalidReasons.join(' '), /target unreachable: no successful request for [\d.]+ s/);
    const q = seg.recorder.queries[0]!;
    assert.ok(q.ok > 0, 'what was measured before the stop is kept');
    assert.ok(q.errorCount > 0, 'the failures are counted');
    assert.ok(seg.drive.measuredSeconds < 10, `rates over the measured time: ${seg.drive.measuredSeconds} s`);
    const s = summarizeLayout(w, [seg]);
    assert.equal(s.valid, false);
  });
});
