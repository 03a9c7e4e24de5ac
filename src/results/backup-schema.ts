import { z } from 'zod';
import { bytes, seconds } from './measure-schemas.js';

export const restoreCheckSchema = z.object({
  method: z.string().describe('how the backup was restored (pg_restore, COPY, staging table as the RLS role...)'),
  status: z.enum(['ok', 'failed']).describe('failed: the restore errored, lost or added rows, or the checksum differs'),
  seconds: seconds.nullable(),
  rowsExpected: z.number().int().nonnegative().describe('rows of the backed-up tenants in the source'),
  rowsRestored: z.number().int().nonnegative().nullable(),
  rowsLost: z.number().int().nullable().describe('expected - restored (negative: rows that should not be there)'),
  checksumExpected: z.string().describe('tenant checksum (or dataset checksum for a full backup) of the source'),
  checksumRestored: z.string().nullable(),
  foreignRows: z.number().int().nonnegative().nullable().describe('rows of other tenants found in a single-tenant restore'),
  error: z.string().nullable(),
});

export const backupArtifactSchema = z.object({
  scope: z.enum(['full', 'tenant']),
  method: z
    .string()
    .describe('pg_dump -Fc, pg_dump -Fd -j N, pg_dump -n, pg_dump of the tenant database, COPY export, pg_dump --enable-row-security'),
  tenant: z.string().nullable(),
  status: z.enum(['ok', 'failed', 'not measured']).describe('ok only when the backup was restored and verified'),
  reason: z.string().nullable(),
  databases: z.number().int().nonnegative().describe('databases dumped'),
  seconds: seconds.nullable().describe('backup wall clock'),
  bytes: bytes.nullable().describe('size of the backup on disk'),
  restore: restoreCheckSchema.nullable(),
});

export const layoutBackupSchema = z.object({
  status: z.enum(['ok', 'failed', 'not measured']),
  reason: z.string().nullable(),
  pgDump: z.string().nullable().describe('pg_dump used (path and major), null when none compatible was found'),
  jobs: z.number().int().positive().describe('-j for the directory format'),
  copyFromUnderRls: z
    .object({ refused: z.boolean(), sqlstate: z.string().nullable(), error: z.string().nullable() })
    .nullable()
    .describe('COPY FROM attempted as the RLS application role into a pooled table (PostgreSQL refuses it)'),
  artifacts: z.array(backupArtifactSchema),
});

export type LayoutBackup = z.infer<typeof layoutBackupSchema>;
export type BackupArtifact = z.infer<typeof backupArtifactSchema>;
export type RestoreCheck = z.infer<typeof restoreCheckSchema>;
