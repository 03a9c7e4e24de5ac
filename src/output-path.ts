/**
 * Output paths are checked before any work starts: a folder the harness cannot create or write
 * is bad input (exit 2) naming the option and the path, never a raw EACCES after a run nor a hang
 * (Node 20's recursive mkdir loops forever under /proc, so folders are created one level at a time).
 */
import { accessSync, constants, mkdirSync, statfsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** statfs f_type of pseudo filesystems no result can be written to (proc, sysfs). */
const PSEUDO_FS = new Set([0x9fa0, 0x62656572]);

const codeOf = (err: unknown): string => (err && typeof err === 'object' && 'code' in err ? String(err.code) : String(err));

/** stat, or undefined when the path (or a parent, ENOTDIR) does not exist as such. */
function statOrNone(p: string) {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch (err) {
    if (codeOf(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * The nearest existing ancestor of `abs` (a directory on a real filesystem, else UsageError) and
 * the folders below it that are missing, outermost first.
 */
function walkToExisting(abs: string, fail: (why: string) => never): { existing: string; missing: string[] } {
  const missing: string[] = [];
  let p = abs;
  for (;;) {
    const st = statOrNone(p);
    if (st) {
      if (!st.isDirectory()) fail(`${p} exists and is not a directory`);
      break;
    }
    missing.unshift(p);
    const parent = dirname(p);
    if (parent === p) break;
    p = parent;
  }
  let type: number | null = null;
  try {
    type = Number(statfsSync(p).type);
  } catch {
    // statfs unsupported: the creation and write probe below still catch it
  }
  if (type !== null && PSEUDO_FS.has(type)) fail(`${p} is on a pseudo filesystem (proc/sysfs); choose a real directory`);
  return { existing: p, missing };
}

const failWith =
  (option: string, shown: string) =>
  (why: string): never => {
    throw new UsageError(`${option} ${shown}: ${why}`, option.replace(/^-+/, ''));
  };

/**
 * A folder the harness will create later (e.g. --pg-data): checked without creating anything:
 * an existing path must be a directory, and the nearest existing ancestor a writable directory on
 * a real filesystem.
 */
export function checkCreatableDir(dir: string, option: string): string {
  const abs = resolve(dir);
  const fail = failWith(option, dir);
  const { existing, missing } = walkToExisting(abs, fail);
  if (missing.length) {
    try {
      accessSync(existing, constants.W_OK);
    } catch (err) {
      fail(`cannot create it in ${existing} (${codeOf(err)})`);
    }
  }
  return abs;
}

/**
 * Create `dir` (and missing parents) and prove it writable with a probe file; return its absolute
 * path. `option` names the flag in the message (e.g. "--results-dir").
 */
export function ensureOutputDir(dir: string, option: string, shown = dir): string {
  const abs = resolve(dir);
  const fail = failWith(option, shown);
  const { missing } = walkToExisting(abs, fail);
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (err) {
      if (codeOf(err) === 'EEXIST' && statOrNone(m)?.isDirectory()) continue;
      fail(`cannot create ${m} (${codeOf(err)})`);
    }
  }
  const probe = join(abs, `.tenantbench-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    unlinkSync(probe);
  } catch (err) {
    fail(`not writable (${codeOf(err)})`);
  }
  return abs;
}

/** The folder of an output file made ready (see ensureOutputDir), and the file not a directory. */
export function ensureOutputFile(file: string, option: string): string {
  const abs = resolve(file);
  if (statOrNone(abs)?.isDirectory()) {
    throw new UsageError(`${option} ${file}: is a directory, expected a file`, option.replace(/^-+/, ''));
  }
  ensureOutputDir(dirname(abs), option, file);
  return abs;
}
