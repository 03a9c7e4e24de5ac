/** A probe reached another tenant's data (exit 1). */
export class IsolationLeakError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'IsolationLeakError';
  }
}

/** The self-test found a broken variant that no probe flagged, or a healthy layout that leaked (exit 1). */
export class VerifierBugError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'VerifierBugError';
  }
}
