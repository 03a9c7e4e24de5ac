/**
 * Every operation of issue 4 in the order that keeps each one's figures clean: migrations first
 * (they change the tables the others measure), then backups (verified against the migrated
 * tables), sizes, connections, and tenant extraction last (it rolls its deletes back and drops its
 * copies, but runs last anyway).
 */
import type { RunSession } from '../pipeline/run-session.js';
import { BackupFailedError, backupStage } from './backup/backup-stage.js';
import type { BackupOptions } from './backup/backup-stage.js';
import { connectionsStage } from './connections/connections-stage.js';
import { extractionStage } from './extraction/extraction-stage.js';
import { MigrationFailedError, migrateStage } from './migrations/migrate-stage.js';
import type { MigrateOptions } from './migrations/migrate-stage.js';
import { sizesStage } from './sizes/sizes-stage.js';

export interface OperationsOptions {
  migrate?: MigrateOptions;
  backup?: BackupOptions;
  concurrency?: number;
}

export async function operationsStage(s: RunSession, o: OperationsOptions = {}): Promise<void> {
  // A failed migration or backup is reported at the end, after every operation had its turn.
  const errors: unknown[] = [];
  for (const step of [
    () => migrateStage(s, o.migrate),
    () => backupStage(s, o.backup),
    () => sizesStage(s),
    () => connectionsStage(s, { concurrency: o.concurrency }),
    () => extractionStage(s),
  ]) {
    try {
      await step();
    } catch (err) {
      // Database errors and interrupts end the run; a tenant that failed its migration or backup does not.
      if (!(err instanceof MigrationFailedError || err instanceof BackupFailedError)) throw err;
      errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
}

export { backupStage, connectionsStage, extractionStage, migrateStage, sizesStage };
