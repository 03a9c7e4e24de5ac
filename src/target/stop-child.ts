import type { ChildProcess } from 'node:child_process';

/**
 * Stop a child process we started: send `first`, then each escalation signal after its delay (ms
 * from the start) while it is still running; resolves when it has exited. No-op if it already has.
 */
export async function stopChild(
  child: ChildProcess,
  first: NodeJS.Signals,
  escalate: ReadonlyArray<readonly [NodeJS.Signals, number]>,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(first);
  const timers = escalate.map(([sig, ms]) => setTimeout(() => child.kill(sig), ms));
  await exited;
  for (const t of timers) clearTimeout(t);
}
