import { HarnessError } from '../errors.js';

/** A probe reached another tenant's data (exit 1). */
export class IsolationLeakError extends HarnessError {}

/** The self-test found a broken variant that no probe flagged, or a healthy layout that leaked (exit 1). */
export class VerifierBugError extends HarnessError {}
