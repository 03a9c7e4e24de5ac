import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HARNESS_AUTOGROUP_NICE, parseAutogroupNice, prioritizeLoadGenerator } from './scheduler.js';

describe('prioritizeLoadGenerator', () => {
  it('raises the harness autogroup priority when it can, and says why when it cannot', (t) => {
    const info = prioritizeLoadGenerator();
    if (!existsSync('/proc/sys/kernel/sched_autogroup_enabled') || !existsSync('/proc/self/autogroup')) {
      t.diagnostic('this kernel has no autogroup scheduler: nothing to do');
      assert.deepEqual(info, { autogroup: null, harnessAutogroupNice: null, warning: null });
      return;
    }
    const enabled = readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
    const nice = parseAutogroupNice(readFileSync('/proc/self/autogroup', 'utf8'));
    if (!enabled || nice === null) {
      t.diagnostic(enabled ? 'this process is in a cgroup task group, not an autogroup' : 'autogroup scheduling is off');
      assert.deepEqual(info, { autogroup: false, harnessAutogroupNice: null, warning: null });
      return;
    }
    assert.equal(info.autogroup, true);
    assert.equal(info.harnessAutogroupNice, nice, "the recorded nice is the kernel's");
    if (process.getuid?.() === 0) {
      assert.equal(nice, HARNESS_AUTOGROUP_NICE, 'root can raise its own autogroup');
      assert.equal(info.warning, null);
    } else if (nice !== HARNESS_AUTOGROUP_NICE) {
      assert.match(info.warning ?? '', /autogroup/);
    }
    assert.equal(prioritizeLoadGenerator(), info, 'applied once per process');
  });

  it('reads the nice value of an autogroup file, and nothing from the empty file of a cgroup task group', () => {
    assert.equal(parseAutogroupNice('/autogroup-180449 nice 0\n'), 0);
    assert.equal(parseAutogroupNice('/autogroup-7 nice -20\n'), -20);
    assert.equal(parseAutogroupNice(''), null);
  });

  it('gives the session its autogroup priority back when the harness exits', (t) => {
    const info = prioritizeLoadGenerator();
    if (!info.autogroup || process.getuid?.() !== 0) {
      t.skip('needs autogroup scheduling in effect and root (to set a known starting nice)');
      return;
    }
    const self = () => parseAutogroupNice(readFileSync('/proc/self/autogroup', 'utf8'));
    // A child in this process's session (so in its autogroup) raises the group's priority and exits.
    writeFileSync('/proc/self/autogroup', '5');
    try {
      const script = `import(${JSON.stringify(new URL('./scheduler.js', import.meta.url).href)}).then((m) => {
        const i = m.prioritizeLoadGenerator();
        process.stdout.write(String(i.harnessAutogroupNice));
      })`;
      const during = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      assert.equal(Number(during), HARNESS_AUTOGROUP_NICE, 'raised while the child ran');
      assert.equal(self(), 5, 'restored when it exited');
    } finally {
      writeFileSync('/proc/self/autogroup', String(HARNESS_AUTOGROUP_NICE));
    }
  });
});
