import { execFileSync } from 'node:child_process';
import type { Target } from '../target/target.js';
import { findClientTool, isExecutable } from '../target/pg-binaries.js';

/** The environment variable that names the pgbench executable (else it is looked up like pg_dump). */
export const PGBENCH_BIN_ENV = 'TENANTBENCH_PGBENCH_BIN';

export interface PgbenchBinary {
  path: string;
  /** e.g. "15.10", from `pgbench --version`. */
  version: string;
}

/**
 * pgbench for the reference run: $TENANTBENCH_PGBENCH_BIN when set, else the client tools' lookup
 * (the server's bin directory first, then pg_config, /usr/lib/postgresql/*\/bin, PATH). Absent, the
 * reference is "not measured" with where it was looked for: a missing reference tool never fails a run.
 */
export function findPgbench(target: Target, serverMajor: number): PgbenchBinary | { reason: string } {
  const explicit = process.env[PGBENCH_BIN_ENV];
  let path: string;
  if (explicit) {
    if (!isExecutable(explicit)) return { reason: `not measured: pgbench not found at ${explicit} (${PGBENCH_BIN_ENV})` };
    path = explicit;
  } else {
    const found = findClientTool('pgbench', serverMajor, target.binaries?.binDir);
    if (found.path === null)
      return {
        reason: `not measured: pgbench not found at ${target.binaries?.binDir ?? '(no server bin directory)'}, pg_config --bindir, /usr/lib/postgresql/*/bin or PATH (${found.reason}); set ${PGBENCH_BIN_ENV}`,
      };
    path = found.path;
  }
  try {
    const out = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { path, version: /(\d+(?:\.\d+)*)/.exec(out)?.[1] ?? out.trim() };
  } catch (err) {
    return { reason: `not measured: ${path} --version failed: ${(err as Error).message}` };
  }
}
