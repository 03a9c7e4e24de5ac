/**
 * Watchdog process for an embedded server: if the harness dies without cleaning up (SIGKILL, OOM
 * killer), the postmaster would otherwise run forever. This small detached process polls the
 * harness's pid and, once it is gone, stops the server (SIGQUIT, then SIGKILL) and removes a
 * throwaway cluster's directory.
 *
 *   node watchdog.js <harness-pid> <postmaster-pid> <base-dir> <persistent: 0|1> [signal]
 *
 * The optional signal (default SIGQUIT, PostgreSQL's immediate shutdown) lets the same watchdog
 * guard other children, e.g. PgBouncer (SIGTERM: immediate shutdown). A postmaster pid of 0 means
 * no child, only a directory: the harness's temporary directories (src/temp-dir.ts), removed once
 * the harness is gone.
 */
import { rmSync } from 'node:fs';

const [parentPid, postmasterPid, baseDir, persistent, stopSignal] = process.argv.slice(2);
const POLL_MS = 500;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function main(): Promise<void> {
  const parent = Number(parentPid);
  const pm = Number(postmasterPid);
  if (!parent || Number.isNaN(pm) || !baseDir) process.exit(2);
  for (;;) {
    if (pm && !alive(pm)) return; // the harness stopped its server itself
    if (!alive(parent)) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  if (pm) await stop(pm);
  if (persistent === '1') return;
  remove(baseDir);
  if (!pm) {
    // Orphaned client tools (pg_dump into a backup directory) may still be writing: once more later.
    await new Promise((r) => setTimeout(r, 2000));
    remove(baseDir);
  }
}

async function stop(pm: number): Promise<void> {
  try {
    process.kill(pm, (stopSignal ?? 'SIGQUIT') as NodeJS.Signals);
  } catch {
    // already gone
  }
  for (let i = 0; i < 20 && alive(pm); i++) await new Promise((r) => setTimeout(r, 250));
  if (alive(pm)) {
    try {
      process.kill(pm, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

function remove(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch {
    // best effort: nobody is left to report to
  }
}

void main();
