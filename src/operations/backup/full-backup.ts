/**
 * Whole-layout backups: every database the layout owns, with pg_dump -Fc (one file per database)
 * and with -Fd -j N (parallel dump of the tables). Each is restored into fresh databases (pg_restore,
 * -j N for the directory format) and every tenant's rows are checksummed against the source.
 *
 * `indexes: false` (operations: headline) verifies the data only: pg_restore -j N --section=pre-data
 * --section=data, no keys, indexes or foreign keys rebuilt (about half of a full restore's time at
 * 10M rows), then the same checksums. The restore's method says so; its seconds are not those of a
 * complete restore.
 */
import { join } from 'node:path';
import { errorMessage } from '../../errors.js';
import type { TableChecksums } from '../../layouts/layout.js';
import type { BackupArtifact } from '../../results/backup-schema.js';
import type { TableUnit } from '../../layouts/layout.js';
import { serverOf } from '../../target/placed-target.js';
import { connArgs, diskBytes, runTool } from './pg-tool.js';
import { freshDatabase, unitChecksums } from './restore-check.js';
import { compareRestore } from './restore-verdict.js';
import type { OpsEnv } from './tenant-backup.js';

export type FullFormat = 'custom' | 'directory';

/** pg_restore's sections that recreate the tables and load their rows, without keys, indexes and foreign keys. */
const DATA_SECTIONS = ['--section=pre-data', '--section=data'];
/** How the report labels a restore that verified the data but did not rebuild the indexes. */
export const DATA_ONLY_LABEL = 'restore verified: data, indexes not rebuilt';

export async function fullBackup(
  env: OpsEnv,
  databases: readonly string[],
  units: readonly TableUnit[],
  format: FullFormat,
  dir: string,
  restore: { indexes: boolean } = { indexes: true },
): Promise<BackupArtifact> {
  const { ctx, tools, jobs } = env;
  // Each database is dumped from, and restored onto, the server it lives on.
  const adminOf = (db: string) => serverOf(ctx.target, db).admin;
  const method = format === 'custom' ? 'pg_dump -Fc' : `pg_dump -Fd -j ${jobs}`;
  const artifact: BackupArtifact = {
    scope: 'full',
    method,
    tenant: null,
    status: 'failed',
    reason: null,
    databases: databases.length,
    seconds: null,
    bytes: null,
    restore: null,
  };
  const paths = new Map<string, string>();
  try {
    let seconds = 0;
    let bytes = 0;
    for (const db of databases) {
      const path = join(dir, `${db}.${format === 'custom' ? 'dump' : 'dir'}`);
      const args = format === 'custom' ? ['-Fc', '-f', path] : ['-Fd', '-j', String(jobs), '-f', path];
      seconds += await runTool(tools.pgDump, [...args, ...connArgs(adminOf(db), db)], { password: adminOf(db).password });
      bytes += diskBytes(path);
      paths.set(db, path);
    }
    artifact.seconds = seconds;
    artifact.bytes = bytes;
  } catch (err) {
    artifact.reason = errorMessage(err);
    return artifact;
  }

  // Restore every database into a fresh one and checksum the units it holds.
  const expected = new Map<string, TableChecksums>();
  const restored = new Map<string, TableChecksums>();
  let error: string | null = null;
  let restoreSeconds = 0;
  for (const db of databases) {
    const fresh = await freshDatabase(ctx, db);
    try {
      const args = [
        '--exit-on-error',
        '--no-owner',
        ...(format === 'directory' || !restore.indexes ? ['-j', String(jobs)] : []),
        ...(restore.indexes ? [] : DATA_SECTIONS),
        ...connArgs(adminOf(fresh.db), fresh.db),
        paths.get(db)!,
      ];
      restoreSeconds += await runTool(tools.pgRestore, args, { password: adminOf(fresh.db).password });
      for (const u of units.filter((x) => x.db === db)) {
        // Source and copy checksummed at once (two backends): not a measured figure, half the wait.
        const [src, copy] = await Promise.all([unitChecksums(ctx, u, db), unitChecksums(ctx, u, fresh.db)]);
        for (const [k, v] of src) expected.set(k, v);
        for (const [k, v] of copy) restored.set(k, v);
      }
    } catch (err) {
      error ??= `${db}: ${errorMessage(err)}`;
      for (const u of units.filter((x) => x.db === db)) for (const [k, v] of await unitChecksums(ctx, u, db)) expected.set(k, v);
    } finally {
      await fresh.dispose();
    }
  }
  artifact.restore = compareRestore(
    restore.indexes
      ? format === 'custom'
        ? 'pg_restore into fresh databases'
        : `pg_restore -j ${jobs} into fresh databases`
      : `pg_restore -j ${jobs} ${DATA_SECTIONS.join(' ')} into fresh databases (${DATA_ONLY_LABEL})`,
    expected,
    error ? null : restored,
    {
      seconds: error ? null : restoreSeconds,
      foreign: null,
      error,
    },
  );
  artifact.status = artifact.restore.status;
  if (artifact.status === 'failed') artifact.reason = artifact.restore.error;
  return artifact;
}
