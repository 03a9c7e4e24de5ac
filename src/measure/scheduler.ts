/**
 * The load generator's share of the CPU when it shares the machine with the server it measures.
 *
 * Linux's autogroup scheduler (kernel.sched_autogroup_enabled = 1, the default on most
 * distributions) shares the CPU between *sessions* first, nice values only apply inside one.
 * Every PostgreSQL backend calls setsid(), so each backend is a session of its own: with 50 busy
 * backends on 2 cores the harness (one session) gets about 1/51 of the CPU whatever its nice
 * value, its event loop stalls for hundreds of milliseconds and every measurement is marked
 * invalid (measured: event-loop lag p99 225-418 ms, the process runnable but waiting 81% of the
 * time). Raising the priority of the harness's own autogroup (root or CAP_SYS_NICE) gives the
 * generator the CPU when it is ready, without taking any from the server while it is idle.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import createDebug from 'debug';

const debug = createDebug('tenantbench:scheduler');

export interface SchedulerInfo {
  /**
   * Whether autogroup scheduling applies to the harness: null when the kernel has no autogroup (not
   * Linux, or built without); false when kernel.sched_autogroup_enabled = 0, or when the harness runs
   * in a cgroup with its own CPU task group (typical in containers), where /proc/self/autogroup is
   * empty and the cgroup, not the autogroup, shares the CPU.
   */
  autogroup: boolean | null;
  /** Nice value of the harness's autogroup after the harness set it (null = not applicable). */
  harnessAutogroupNice: number | null;
  /** Why the generator may be starved, when it may. */
  warning: string | null;
}

const AUTOGROUP_SWITCH = '/proc/sys/kernel/sched_autogroup_enabled';
const SELF_AUTOGROUP = '/proc/self/autogroup';
/** The autogroup nice the harness asks for: the strongest, so 50+ backend sessions cannot starve it. */
export const HARNESS_AUTOGROUP_NICE = -20;

/**
 * The nice value in a /proc/<pid>/autogroup file ("/autogroup-42 nice 0"), or null when the file is
 * empty: the kernel prints nothing when the task's group is a cgroup task group, not an autogroup.
 */
export function parseAutogroupNice(content: string): number | null {
  const m = /nice\s+(-?\d+)/.exec(content);
  return m ? Number(m[1]) : null;
}

function readAutogroupNice(): number | null {
  try {
    return parseAutogroupNice(readFileSync(SELF_AUTOGROUP, 'utf8'));
  } catch (err) {
    debug('could not read %s: %s', SELF_AUTOGROUP, (err as Error).message);
    return null;
  }
}

function restoreAutogroupNice(nice: number): void {
  try {
    writeFileSync(SELF_AUTOGROUP, String(nice));
  } catch (err) {
    debug('could not restore the autogroup nice %d: %s', nice, (err as Error).message);
  }
}

let applied: SchedulerInfo | null = null;

/** Give the harness's session priority over the server's backend sessions (once per process). */
export function prioritizeLoadGenerator(): SchedulerInfo {
  if (applied) return applied;
  if (!existsSync(AUTOGROUP_SWITCH) || !existsSync(SELF_AUTOGROUP)) {
    applied = { autogroup: null, harnessAutogroupNice: null, warning: null };
    return applied;
  }
  const enabled = readFileSync(AUTOGROUP_SWITCH, 'utf8').trim() === '1';
  const before = enabled ? readAutogroupNice() : null;
  if (before === null) {
    // Off, or the harness sits in a cgroup task group: autogroups do not share this process's CPU.
    applied = { autogroup: false, harnessAutogroupNice: null, warning: null };
    return applied;
  }
  try {
    writeFileSync(SELF_AUTOGROUP, String(HARNESS_AUTOGROUP_NICE));
    // The autogroup is the whole session's (the user's terminal too, and anything started from it
    // later): give the priority back when the harness exits. A SIGKILLed harness cannot.
    if (before !== HARNESS_AUTOGROUP_NICE) process.once('exit', () => restoreAutogroupNice(before));
    applied = { autogroup: true, harnessAutogroupNice: readAutogroupNice(), warning: null };
  } catch (err) {
    debug('could not set the autogroup nice: %s', (err as Error).message);
    applied = {
      autogroup: true,
      harnessAutogroupNice: readAutogroupNice(),
      warning:
        'autogroup scheduling is on and the harness could not raise its priority (needs root or CAP_SYS_NICE): every PostgreSQL backend ' +
        'is a session of its own and competes with the whole harness as an equal, so with many busy backends on few cores the load ' +
        'generator is starved and its measurements are marked invalid. Run as root, or set kernel.sched_autogroup_enabled=0.',
    };
  }
  return applied;
}
