import { z } from 'zod';
import { seconds } from './measure-schemas.js';

export const extractionMoveSchema = z.object({
  tenant: z.string(),
  from: z.string().describe('e.g. rls (pooled tables)'),
  to: z.enum(['schema', 'database']),
  status: z.enum(['ok', 'failed']),
  rows: z.number().int().nonnegative().nullable(),
  checksumSource: z.string().nullable(),
  checksumMoved: z.string().nullable(),
  seconds: z.object({
    provision: seconds.nullable().describe('create the schema or database and its tables'),
    copy: seconds.nullable().describe("copy the tenant's rows"),
    index: seconds.nullable().describe('keys, indexes, ANALYZE'),
    verify: seconds.nullable().describe('checksum source and copy'),
    delete: seconds.nullable().describe("delete the tenant's rows from the pooled tables (one transaction)"),
    total: seconds.nullable(),
  }),
  error: z.string().nullable(),
});

export const layoutExtractionSchema = z.object({
  moves: z.array(extractionMoveSchema),
});

export type ExtractionMove = z.infer<typeof extractionMoveSchema>;
export type LayoutExtraction = z.infer<typeof layoutExtractionSchema>;
