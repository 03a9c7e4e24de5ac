import { z } from 'zod';
import { bytes, notMeasuredSchema } from './measure-schemas.js';

export const tenantSizeSchema = z.object({
  tenant: z.string(),
  rows: z.number().int().nonnegative(),
  pooled: z.boolean().describe('rows live in shared tables: table/index/toast bytes are not separable per tenant (null)'),
  tableBytes: bytes.nullable(),
  indexBytes: bytes.nullable(),
  toastBytes: bytes.nullable(),
  totalBytes: bytes.nullable(),
  dataBytes: bytes.describe("sum of pg_column_size of the tenant's rows: its data without page and index overhead"),
  databaseBytes: bytes.nullable().describe("pg_database_size of the tenant's own database (database layout), else null"),
});

export const databaseSizeSchema = z.object({
  db: z.string(),
  databaseBytes: bytes.describe('pg_database_size'),
  relationBytes: bytes.describe('every relation of the database, all forks (catalogs included)'),
  tenantBytes: bytes.describe("tables, indexes and TOAST of the layout's schemas"),
  catalogBytes: bytes.describe('relations in pg_catalog, information_schema and their TOAST'),
  otherBytes: z.number().int().describe('databaseBytes - relationBytes: files that are not relations (relcache init file, filenode map)'),
  pgClassRows: z.number().int().nonnegative().describe('rows in pg_class of that database'),
});

export const catalogMemorySchema = z.object({
  status: z.literal('ok'),
  backends: z.number().int().positive().describe('backends measured (one per database: a backend serves one database)'),
  relationsTouched: z.number().int().nonnegative(),
  cacheBytesBefore: bytes.describe('CacheMemoryContext and its children after connecting'),
  cacheBytesAfter: bytes.describe('... after touching every tenant table in that one backend (summed over backends)'),
  backendBytesAfter: bytes.describe('all memory contexts of the backend(s) after touching'),
});

export const sizesDetailSchema = z.object({
  perTenant: z.array(tenantSizeSchema),
  perDatabase: z.array(databaseSizeSchema),
  pgClassRows: z.number().int().nonnegative().describe("pg_class rows over the layout's databases"),
  catalogBytes: bytes.describe("catalog relations over the layout's databases"),
  catalogMemory: z.union([catalogMemorySchema, notMeasuredSchema]),
});

export type SizesDetail = z.infer<typeof sizesDetailSchema>;
export type TenantSize = z.infer<typeof tenantSizeSchema>;
export type DatabaseSize = z.infer<typeof databaseSizeSchema>;
