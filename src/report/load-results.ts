import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { summarySchema } from '../results/summary-schema.js';
import type { Summary } from '../results/summary-schema.js';
import { type BundleFiles, loadIntervals } from './load-intervals.js';

/** Loose view of environment.json: the report shows it, compare keys on it. */
export interface EnvironmentFile {
  capturedAt?: string;
  harness?: { version?: string; gitCommit?: string | null; gitDirty?: boolean | null; node?: string };
  machine?: { cpuModel?: string; cpus?: number; memoryBytes?: number; platform?: string; release?: string };
  target?: { kind?: string; description?: string; binaries?: { source?: string; version?: string } | null };
  scheduler?: { autogroup?: boolean | null; harnessAutogroupNice?: number | null; warning?: string | null; loadAverage?: number[] };
  server?: { version?: string; versionNum?: number; settings?: Record<string, { value: string; unit: string | null; source: string }> };
}

export interface LoadedResults {
  dir: string;
  runId: string;
  summary: Summary;
  environment: EnvironmentFile | null;
  /** The bundle's CSVs the report draws from (workload-intervals.csv). */
  files: BundleFiles;
}

/**
 * Read a results bundle (its folder, or its summary.json). Reports and comparisons are built from
 * these files alone, never from a live database. A missing or malformed file is bad input (exit 2).
 */
export function loadResults(path: string): LoadedResults {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new UsageError(`results not found: ${abs}`, 'results');
  const summaryPath = statSync(abs).isDirectory() ? join(abs, 'summary.json') : abs;
  if (!existsSync(summaryPath)) throw new UsageError(`no summary.json in ${abs}: not a results bundle`, 'results');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(summaryPath, 'utf8'));
  } catch (err) {
    throw new UsageError(`${summaryPath}: not valid JSON: ${(err as Error).message}`, 'results');
  }
  const parsed = summarySchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new UsageError(`${summaryPath} does not match the summary schema:\n  ${first.join('\n  ')}`, 'results');
  }
  const dir = dirname(summaryPath);
  const envPath = join(dir, 'environment.json');
  let environment: EnvironmentFile | null = null;
  if (existsSync(envPath)) {
    try {
      environment = JSON.parse(readFileSync(envPath, 'utf8')) as EnvironmentFile;
    } catch {
      environment = null;
    }
  }
  return { dir, runId: parsed.data.runId || basename(dir), summary: parsed.data, environment, files: { intervals: loadIntervals(dir) } };
}
