import createDebug from 'debug';
import { interruptExitCode } from './errors.js';

const debug = createDebug('tenantbench:lifecycle');

/**
 * Process-wide owner of things that must not outlive the command (PostgreSQL servers, pools,
 * temporary directories). Cleanups run in reverse order of registration on normal completion,
 * on failure, and on SIGINT/SIGTERM; a synchronous last-resort hook runs on process exit so that
 * even an unexpected exit does not leave a postgres process behind.
 */
interface Entry {
  name: string;
  cleanup: () => Promise<void>;
  /** Must be synchronous: called from process.on('exit'). */
  emergency?: () => void;
}

const entries: Entry[] = [];
const interruptHooks: Array<(signal: string) => Promise<void> | void> = [];
let installed = false;
/** The signal being handled (SIGINT, SIGTERM, SIGHUP), or null. */
let interruptedBy: NodeJS.Signals | null = null;

export function registerCleanup(entry: Entry): () => void {
  install();
  entries.push(entry);
  return () => {
    const i = entries.indexOf(entry);
    if (i >= 0) entries.splice(i, 1);
  };
}

/** Called first on SIGINT/SIGTERM, before the cleanups: e.g. to write the results gathered so far. */
export function onInterrupt(hook: (signal: string) => Promise<void> | void): () => void {
  install();
  interruptHooks.push(hook);
  return () => {
    const i = interruptHooks.indexOf(hook);
    if (i >= 0) interruptHooks.splice(i, 1);
  };
}

export function isInterrupting(): boolean {
  return interruptedBy !== null;
}

/** The signal that is stopping the run, or null: the pipeline starts no stage after one. */
export function interruptSignal(): NodeJS.Signals | null {
  return interruptedBy;
}

export async function runCleanups(): Promise<void> {
  while (entries.length) {
    const e = entries.pop()!;
    try {
      debug('cleanup %s', e.name);
      await e.cleanup();
    } catch (err) {
      process.stderr.write(`tenantbench: cleanup of ${e.name} failed: ${(err as Error).message}\n`);
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  const handler = (signal: NodeJS.Signals) => {
    if (interruptedBy) {
      // Second signal: do only the synchronous part and leave.
      emergency();
      process.exit(interruptExitCode(signal));
    }
    interruptedBy = signal;
    process.stderr.write(`\ntenantbench: ${signal} received, keeping results gathered so far and stopping what was started...\n`);
    void (async () => {
      for (const hook of [...interruptHooks].reverse()) {
        try {
          await hook(signal);
        } catch (err) {
          process.stderr.write(`tenantbench: while interrupting: ${(err as Error).message}\n`);
        }
      }
      await runCleanups();
      process.exit(interruptExitCode(signal));
    })();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('SIGHUP', handler);
  process.on('exit', emergency);
}

function emergency(): void {
  for (const e of [...entries].reverse()) {
    try {
      e.emergency?.();
    } catch {
      // Best effort: the process is exiting.
    }
  }
}
