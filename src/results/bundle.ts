import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { BundleWriteError } from './bundle-write-error.js';
import { packageRoot } from '../paths.js';
import { summarySchema } from './summary-schema.js';
import type { Summary } from './summary-schema.js';

/** results/<run-id>/: one bundle per run, never overwritten. */
export interface Bundle {
  runId: string;
  dir: string;
}

export function defaultResultsDir(): string {
  return join(packageRoot(), 'results');
}

export function createBundle(resultsDir: string, scenarioName: string, now = new Date()): Bundle {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
  const runId = `${stamp}-${scenarioName}-${randomBytes(2).toString('hex')}`;
  const dir = join(resolve(resultsDir), runId);
  mkdirSync(dir, { recursive: true });
  return { runId, dir };
}

// Its own small module so the CLI can test for it without loading the results schema.
export { BundleWriteError };

const WHY: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  ENOTDIR: 'the bundle directory was removed or replaced during the run',
  ENOENT: 'the bundle directory was removed or replaced during the run',
  EACCES: 'the bundle directory is not writable',
  EPERM: 'the bundle directory is not writable',
  EROFS: 'the bundle directory is on a read-only filesystem',
};

/** Write atomically (temp file + rename) so a crash never leaves half a file. */
function writeAtomic(bundle: Bundle, name: string, data: string): string {
  const p = join(bundle.dir, name);
  try {
    writeFileSync(`${p}.tmp`, data);
    renameSync(`${p}.tmp`, p);
  } catch (err) {
    try {
      rmSync(`${p}.tmp`, { force: true });
    } catch {
      // the directory itself is gone or unusable: nothing to remove
    }
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new BundleWriteError(
      `cannot write ${name} in the results bundle ${bundle.dir}: ${WHY[code] ?? (err as Error).message}${WHY[code] ? ` (${code})` : ''}`,
      { cause: err },
    );
  }
  return p;
}

export function writeJson(bundle: Bundle, name: string, value: unknown): string {
  return writeAtomic(bundle, name, `${JSON.stringify(value, null, 2)}\n`);
}

export function writeCsv(bundle: Bundle, name: string, header: string[], rows: unknown[][]): string {
  return writeAtomic(bundle, name, stringify([header, ...rows]));
}

/** Validate against the documented schema before writing: a bundle that breaks its contract is a bug. */
export function writeSummary(bundle: Bundle, summary: Summary): string {
  const checked = summarySchema.parse(summary);
  return writeJson(bundle, 'summary.json', checked);
}
