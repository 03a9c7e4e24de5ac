/**
 * Typed errors. Every error the harness throws on purpose is a HarnessError carrying the exit code
 * the CLI should use, so commands and stages throw early and the CLI maps errors in one place
 * (src/cli.ts, exitCodeOf below).
 *
 * Exit codes: 0 ok, 1 run failed (database error, checksum mismatch, leak...), 2 bad input
 * (flag, scenario, option values) detected before anything touched a database, 130 interrupted
 * (SIGINT; 143 for SIGTERM and SIGHUP, as a shell reports a process ended by that signal), 3 `compare`
 * cannot compare (either run failed, was interrupted or lacks a metric the other has), 4 `ab`
 * inconclusive (an interval reaches across the threshold: more windows needed).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, cannotCompare: 3, inconclusive: 4, interrupted: 130 } as const;

/** The exit code for a run stopped by `signal`: 130 for SIGINT (Ctrl-C), 143 for SIGTERM/SIGHUP. */
export function interruptExitCode(signal: string): number {
  return signal === 'SIGINT' ? EXIT.interrupted : 143;
}

export class HarnessError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    // The subclass's own name (IsolationLeakError...), without a constructor per subclass.
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? EXIT.failed;
  }
}

/** Bad input (flag, scenario, option values), found before anything touched a database (exit 2). */
export class UsageError extends HarnessError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message, { exitCode: EXIT.usage });
  }
}

/** The target (server, binaries, Docker, URL) could not be started or reached (exit 1). */
export class TargetError extends HarnessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The layouts do not hold identical datasets (exit 1). */
export class ChecksumMismatchError extends HarnessError {}

/** The run was stopped by a signal (exit 130 for SIGINT, 143 for SIGTERM). */
export class InterruptedError extends HarnessError {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`, { exitCode: interruptExitCode(signal) });
  }
}

/**
 * A stage recorded its results but some of its units failed (a tenant's migration, a backup that
 * did not verify). The others completed; the pipeline runs its remaining stages and fails at the
 * end (exit 1).
 */
export class PartialFailureError extends HarnessError {}

/** `compare` refuses to pass a gate it could not fully evaluate (exit 3, distinct from a regression's 1). */
export class CannotCompareError extends HarnessError {
  constructor(message: string) {
    super(message, { exitCode: EXIT.cannotCompare });
  }
}

/** `ab` could not decide: an interval reaches across the threshold, more windows needed (exit 4). */
export class InconclusiveError extends HarnessError {
  constructor(message: string) {
    super(message, { exitCode: EXIT.inconclusive });
  }
}

/** SQLSTATE of a node-postgres DatabaseError, or null. */
export function sqlState(err: unknown): string | null {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    const code = (err as { code: string }).code;
    return /^[0-9A-Z]{5}$/.test(code) ? code : null;
  }
  return null;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const state = sqlState(err);
    return state ? `${err.message} (SQLSTATE ${state})` : err.message;
  }
  return String(err);
}

/** The exit code for an error: its own if it is a HarnessError, else 1 (a database error, a bug). */
export function exitCodeOf(err: unknown): number {
  return err instanceof HarnessError ? err.exitCode : EXIT.failed;
}
