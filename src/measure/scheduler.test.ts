import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HARNESS_AUTOGROUP_NICE, prioritizeLoadGenerator } from './scheduler.js';

describe('prioritizeLoadGenerator', () => {
  it('raises the harness autogroup priority when it can, and says why when it cannot', (t) => {
    const info = prioritizeLoadGenerator();
    if (!existsSync('/proc/sys/kernel/sched_autogroup_enabled') || !existsSync('/proc/self/autogroup')) {
      t.diagnostic('this kernel has no autogroup scheduler: nothing to do');
      assert.deepEqual(info, { autogroup: null, harnessAutogroupNice: null, warning: null });
      return;
    }
    const enabled = readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
    assert.equal(info.autogroup, enabled);
    if (!enabled) {
      assert.equal(info.warning, null);
      return;
    }
    const nice = Number(/nice\s+(-?\d+)/.exec(readFileSync('/proc/self/autogroup', 'utf8'))![1]);
    assert.equal(info.harnessAutogroupNice, nice, 'the recorded nice is the kernel\'s');
    if (process.getuid?.() === 0) {
      assert.equal(nice, HARNESS_AUTOGROUP_NICE, 'root can raise its own autogroup');
      assert.equal(info.warning, null);
    } else if (nice !== HARNESS_AUTOGROUP_NICE) {
      assert.match(info.warning ?? '', /autogroup/);
    }
    assert.equal(prioritizeLoadGenerator(), info, 'applied once per process');
  });
});
