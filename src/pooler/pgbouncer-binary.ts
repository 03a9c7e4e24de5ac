import { execFileSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { TargetError, UsageError } from '../errors.js';
import { isExecutable } from '../target/pg-binaries.js';

export interface PgBouncerBinary {
  path: string;
  /** e.g. "1.18.0" */
  version: string;
  major: number;
  minor: number;
  source: 'flag' | 'env' | 'system' | 'path';
}

/** The environment variable that overrides the lookup (like --pgbouncer-bin). */
export const PGBOUNCER_BIN_ENV = 'TENANTBENCH_PGBOUNCER_BIN';

function versionOf(path: string): { version: string; major: number; minor: number } {
  let out: string;
  try {
    out = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new TargetError(`${path} --version failed: ${(err as Error).message}`);
  }
  const m = /PgBouncer\s+(\d+)\.(\d+)(?:\.(\d+))?/i.exec(out);
  if (!m) throw new TargetError(`cannot read the PgBouncer version from "${out.trim().split('\n')[0]}" (${path} --version)`);
  return { version: `${m[1]}.${m[2]}${m[3] ? `.${m[3]}` : ''}`, major: Number(m[1]), minor: Number(m[2]) };
}

/**
 * PgBouncer for the `pooler` scenario: `--pgbouncer-bin FILE`, else $TENANTBENCH_PGBOUNCER_BIN,
 * else /usr/sbin/pgbouncer (Debian's `pgbouncer` package), /usr/bin, /usr/local/bin, then PATH.
 * A path given explicitly that is not an executable is bad input (exit 2); no PgBouncer on the
 * machine is a missing tool (exit 1, naming the package to install).
 */
export function findPgBouncer(flag?: string): PgBouncerBinary {
  const explicit = flag ?? process.env[PGBOUNCER_BIN_ENV];
  if (explicit) {
    const field = flag ? 'pgbouncer-bin' : PGBOUNCER_BIN_ENV;
    if (!isExecutable(explicit))
      throw new UsageError(`${flag ? '--pgbouncer-bin' : PGBOUNCER_BIN_ENV} ${explicit}: not an executable file`, field);
    return { path: explicit, source: flag ? 'flag' : 'env', ...versionOf(explicit) };
  }
  const fixed = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer', '/usr/local/sbin/pgbouncer'];
  for (const p of fixed) if (isExecutable(p)) return { path: p, source: 'system', ...versionOf(p) };
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = dir ? join(dir, 'pgbouncer') : '';
    if (p && isExecutable(p)) return { path: p, source: 'path', ...versionOf(p) };
  }
  throw new TargetError(
    'the pooler scenario needs PgBouncer and none was found (looked at /usr/sbin, /usr/bin, /usr/local/bin, /usr/local/sbin and PATH). ' +
      `Install Debian's "pgbouncer" package (apt-get install pgbouncer), or pass --pgbouncer-bin FILE (or set ${PGBOUNCER_BIN_ENV}).`,
  );
}

/**
 * Named (protocol-level) prepared statements through a transaction-mode PgBouncer need
 * max_prepared_statements, added in PgBouncer 1.21.
 */
export function supportsNamedPreparedStatements(b: Pick<PgBouncerBinary, 'major' | 'minor'>): boolean {
  return b.major > 1 || (b.major === 1 && b.minor >= 21);
}
