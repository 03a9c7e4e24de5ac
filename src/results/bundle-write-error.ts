import { HarnessError } from '../errors.js';

/**
 * The bundle could not be written (disk full, its directory removed, replaced or made read-only
 * during the run): the run cannot keep its results, so it stops (exit 1) naming the file and why.
 */
export class BundleWriteError extends HarnessError {}
