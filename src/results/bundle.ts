import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
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

/** Write atomically (temp file + rename) so a crash never leaves half a file. */
export function writeJson(bundle: Bundle, name: string, value: unknown): string {
  const p = join(bundle.dir, name);
  writeFileSync(`${p}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${p}.tmp`, p);
  return p;
}

export function writeCsv(bundle: Bundle, name: string, header: string[], rows: unknown[][]): string {
  const p = join(bundle.dir, name);
  writeFileSync(`${p}.tmp`, stringify([header, ...rows]));
  renameSync(`${p}.tmp`, p);
  return p;
}

/** Validate against the documented schema before writing: a bundle that breaks its contract is a bug. */
export function writeSummary(bundle: Bundle, summary: Summary): string {
  const checked = summarySchema.parse(summary);
  return writeJson(bundle, 'summary.json', checked);
}
