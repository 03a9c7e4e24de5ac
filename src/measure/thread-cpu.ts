import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * CPU time of the calling thread alone, ms: what says whether one generator thread is near a core
 * (process.cpuUsage() adds up every thread; Node 20 has no per-thread clock). Linux: utime + stime
 * of /proc/thread-self/stat, in clock ticks (USER_HZ, 100 on every Linux ABI: 10 ms resolution,
 * 1% of a core over a 1 s window). Elsewhere: the event loop's active time, which also counts time
 * blocked in Atomics.wait (the scheduler's deliberate waits are subtracted by the caller anyway).
 */
const TICK_MS = 10;

export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return performance.eventLoopUtilization().active;
  }
}
