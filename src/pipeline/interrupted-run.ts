/**
 * A run stopped by SIGINT/SIGTERM is `interrupted`, not `failed`: the errors its stages see while
 * the server shuts down with it (57P01 admin shutdown, ECONNREFUSED, ...) are consequences of the
 * signal, not findings, so they are neither the run's error nor a layout's failure.
 */
import type { Summary } from '../results/summary-schema.js';

export function markInterrupted(summary: Summary, signal: string | null): void {
  summary.status = 'interrupted';
  if (!summary.error?.startsWith('interrupted by ')) summary.error = `interrupted by ${signal ?? 'a signal'}`;
  for (const l of Object.values(summary.layouts)) {
    if (!l) continue;
    if (l.status === 'failed') {
      l.status = 'not-run';
      l.reason = `interrupted by ${signal ?? 'a signal'} before it finished`;
    } else if (l.status === 'not-run' && l.reason?.startsWith('not run: ')) {
      l.reason = `not reached: interrupted by ${signal ?? 'a signal'}`;
    }
  }
  for (const w of Object.values(summary.workload?.layouts ?? {})) {
    if (w?.status === 'failed') {
      w.status = 'not-run';
      w.reason = `interrupted by ${signal ?? 'a signal'} before it finished`;
    }
  }
}
