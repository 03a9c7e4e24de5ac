import { HarnessError, errorMessage, exitCodeOf } from '../errors.js';
import type { Bundle } from '../results/bundle.js';

/** A run that failed or was interrupted: the cause's message and exit code, and where its bundle is. */
export class SessionError extends HarnessError {
  constructor(
    cause: unknown,
    readonly bundle: Bundle,
  ) {
    super(errorMessage(cause), { cause, exitCode: exitCodeOf(cause) });
  }
}
