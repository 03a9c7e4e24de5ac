/**
 * Target checks that need no server, run before a results bundle or a data directory exists
 * (exit 2 naming the flag): flags that contradict each other, binaries that are not PostgreSQL,
 * server settings the binaries do not know, a --pg-data that cannot be a cluster directory, and
 * --seeded on a server that cannot hold an earlier seed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import createDebug from 'debug';
import { UsageError } from '../errors.js';
import { checkCreatableDir } from '../output-path.js';
import type { TargetOptions } from './open-target.js';
import { findPgBinaries } from './pg-binaries.js';
import type { TargetKind } from './target.js';

const debug = createDebug('tenantbench:target');

export interface PreflightFlags {
  /** --target as given (a --database-url turns the resolved one into `url`). */
  requestedTarget: TargetKind;
  /** --seeded: the layouts must outlive the command that seeded them. */
  seeded?: boolean;
}

export function preflightTarget(t: TargetOptions, f: PreflightFlags): void {
  if (f.requestedTarget === 'testcontainers' && t.databaseUrl) {
    throw new UsageError(
      '--database-url cannot be combined with --target testcontainers (which starts its own server): give one of them',
      'database-url',
    );
  }
  if (t.pgData !== undefined) checkCreatableDir(t.pgData, '--pg-data');
  const servers = t.placement?.servers;
  const embedded = servers ? servers.some((s) => s.url === null) : t.target === 'embedded' && !t.databaseUrl;
  if (f.seeded && !t.pgData && (!servers ? !t.databaseUrl : servers.some((s) => s.url === null))) {
    throw new UsageError(
      '--seeded uses what an earlier `seed` left on the server, which a throwaway embedded server does not have: ' +
        'give --pg-data DIR (the cluster the seed kept) or --database-url',
      'seeded',
    );
  }
  if (!embedded) {
    if (t.pgBin !== undefined) debug('--pg-bin ignored: no embedded server');
    return;
  }
  const bin = serverBinDir(t);
  if (bin && Object.keys(t.settings ?? {}).length) checkSettingNames(bin, t.settings ?? {});
}

/** The embedded server's bin directory, after checking that --pg-bin really holds PostgreSQL. */
function serverBinDir(t: TargetOptions): string | null {
  if (t.pgBin !== undefined) {
    const out = versionText(t.pgBin);
    if (!/\(PostgreSQL\)\s+\d+/.test(out ?? '')) {
      throw new UsageError(
        `--pg-bin ${t.pgBin}: not a PostgreSQL bin directory (${join(t.pgBin, 'postgres')} --version ${out === null ? 'does not run' : `says "${out.trim().slice(0, 80)}"`})`,
        'pg-bin',
      );
    }
  }
  try {
    // Throws UsageError for a --pg-bin without initdb/postgres; a machine without any binaries fails later as before.
    return findPgBinaries(t.pgBin, { preferEmbeddedPackage: t.preferEmbeddedPackage }).binDir;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    debug('no server binaries found before starting: %s', (err as Error).message);
    return null;
  }
}

function versionText(binDir: string): string | null {
  try {
    return execFileSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch {
    return null;
  }
}

/**
 * Every --pg-setting name must be a parameter the server binary knows (`postgres --describe-config`
 * lists them without a data directory or a running server). Names with a dot are extension
 * (custom) parameters, which PostgreSQL accepts as placeholders.
 */
function checkSettingNames(binDir: string, settings: Record<string, string>): void {
  let known: Set<string>;
  try {
    const out = execFileSync(join(binDir, 'postgres'), ['--describe-config'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    known = new Set(out.split('\n').map((l) => l.split('\t')[0]!.toLowerCase()));
  } catch (err) {
    debug('postgres --describe-config failed, settings not checked: %s', (err as Error).message);
    return;
  }
  for (const name of Object.keys(settings)) {
    if (name.includes('.') || known.has(name.toLowerCase())) continue;
    const near = [...known].filter((k) => k && (k.includes(name.toLowerCase()) || name.toLowerCase().includes(k))).slice(0, 3);
    throw new UsageError(
      `--pg-setting ${name}: not a parameter of this PostgreSQL (${join(binDir, 'postgres')})${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
      'pg-setting',
    );
  }
}
