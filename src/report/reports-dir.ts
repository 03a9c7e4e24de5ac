import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/** Where reports/<run-id>/ goes by default: reports/ in the package. */
export function defaultReportsDir(): string {
  return join(packageRoot(), 'reports');
}
