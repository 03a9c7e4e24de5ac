/**
 * Typed errors. Each carries the exit code the CLI should use, so commands can throw early
 * and the CLI maps them in one place.
 *
 * Exit codes: 0 ok, 1 run failed (database error, checksum mismatch, leak...), 2 bad input
 * (flag, scenario, option values) detected before anything touched a database, 3 `compare` cannot
 * compare (either run failed, was interrupted or lacks a metric the other has), 130 interrupted.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export class TargetError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetError';
  }
}

export class ChecksumMismatchError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'ChecksumMismatchError';
  }
}

/** `compare` refuses to pass a gate it could not fully evaluate (exit 3, distinct from a regression's 1). */
export class CannotCompareError extends Error {
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = 'CannotCompareError';
  }
}

export class InterruptedError extends Error {
  /** 128 + the signal number, as a shell reports it: 130 SIGINT, 143 SIGTERM. */
  readonly exitCode: number;
  constructor(signal: string) {
    super(`interrupted by ${signal}`);
    this.exitCode = signal === 'SIGTERM' ? 143 : 130;
    this.name = 'InterruptedError';
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

export function exitCodeOf(err: unknown): number {
  if (err && typeof err === 'object' && 'exitCode' in err && typeof (err as { exitCode: unknown }).exitCode === 'number') {
    return (err as { exitCode: number }).exitCode;
  }
  return 1;
}
