/**
 * The dataset definition: a small B2B SaaS schema (customers, products, orders, order items)
 * with text, numeric, timestamp, enum and jsonb columns. Layout-agnostic: a layout asks for the
 * DDL "with a tenant column" (pooled tables) or "without" (a schema or database per tenant), and
 * in which schema. Constraints and indexes are separate from CREATE TABLE so they can be built
 * after the bulk load.
 */
import { TENANT_TABLES } from './tenant-plan.js';
import type { TenantTable } from './tenant-plan.js';

export interface DdlOptions {
  /** Pooled tables carry tenant_id as the leading column of every key and index. */
  tenantColumn: boolean;
  /** Schema holding the tables and enum types (already quoted if needed); default public. */
  schema?: string;
}

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
export const CUSTOMER_SEGMENTS = ['smb', 'mid_market', 'enterprise'] as const;

interface Column {
  name: string;
  type: string;
  notNull: boolean;
}

interface TableDef {
  name: TenantTable;
  columns: Column[];
  unique: { name: string; columns: string[] }[];
  foreignKeys: { name: string; columns: string[]; table: TenantTable }[];
  indexes: { name: string; columns: string[] }[];
}

const col = (name: string, type: string, notNull = true): Column => ({ name, type, notNull });

/** `{enum}` in a type is replaced by the schema-qualified enum type. */
export const TABLES: readonly TableDef[] = [
  {
    name: 'customers',
    columns: [
      col('id', 'bigint'),
      col('name', 'text'),
      col('email', 'text'),
      col('country', 'char(2)'),
      col('segment', '{customer_segment}'),
      col('created_at', 'timestamptz'),
      col('attrs', 'jsonb'),
    ],
    unique: [{ name: 'customers_email_key', columns: ['email'] }],
    foreignKeys: [],
    indexes: [],
  },
  {
    name: 'products',
    columns: [
      col('id', 'bigint'),
      col('sku', 'text'),
      col('name', 'text'),
      col('category', 'text'),
      col('price', 'numeric(10,2)'),
      col('active', 'boolean'),
      col('attrs', 'jsonb'),
    ],
    unique: [{ name: 'products_sku_key', columns: ['sku'] }],
    foreignKeys: [],
    indexes: [],
  },
  {
    name: 'orders',
    columns: [
      col('id', 'bigint'),
      col('customer_id', 'bigint'),
      col('status', '{order_status}'),
      col('total', 'numeric(12,2)'),
      col('currency', 'char(3)'),
      col('created_at', 'timestamptz'),
      col('note', 'text', false),
      col('metadata', 'jsonb'),
    ],
    unique: [],
    foreignKeys: [{ name: 'orders_customer_fk', columns: ['customer_id'], table: 'customers' }],
    indexes: [
      { name: 'orders_created_at_idx', columns: ['created_at DESC'] },
      { name: 'orders_customer_idx', columns: ['customer_id'] },
    ],
  },
  {
    name: 'order_items',
    columns: [
      col('id', 'bigint'),
      col('order_id', 'bigint'),
      col('product_id', 'bigint'),
      col('quantity', 'integer'),
      col('unit_price', 'numeric(10,2)'),
    ],
    unique: [],
    foreignKeys: [
      { name: 'order_items_order_fk', columns: ['order_id'], table: 'orders' },
      { name: 'order_items_product_fk', columns: ['product_id'], table: 'products' },
    ],
    indexes: [{ name: 'order_items_order_idx', columns: ['order_id'] }],
  },
];

export function tableDef(name: TenantTable): TableDef {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`unknown table ${name}`);
  return t;
}

/** Data columns (no tenant_id), in COPY order. */
export function dataColumns(name: TenantTable): string[] {
  return tableDef(name).columns.map((c) => c.name);
}

/** COPY column list for a layout. */
export function copyColumns(name: TenantTable, opts: Pick<DdlOptions, 'tenantColumn'>): string[] {
  return opts.tenantColumn ? ['tenant_id', ...dataColumns(name)] : dataColumns(name);
}

const q = (opts: DdlOptions, name: string) => (opts.schema ? `${opts.schema}.${name}` : name);

export function typesDdl(opts: DdlOptions): string[] {
  const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
  return [
    `CREATE TYPE ${q(opts, 'order_status')} AS ENUM (${list(ORDER_STATUSES)})`,
    `CREATE TYPE ${q(opts, 'customer_segment')} AS ENUM (${list(CUSTOMER_SEGMENTS)})`,
  ];
}

/** The tenants directory of a pooled database (referenced by every tenant_id). */
export function tenantsTableDdl(opts: DdlOptions): string {
  return `CREATE TABLE ${q(opts, 'tenants')} (
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  plan text NOT NULL,
  created_at timestamptz NOT NULL,
  CONSTRAINT tenants_pkey PRIMARY KEY (id),
  CONSTRAINT tenants_slug_key UNIQUE (slug)
)`;
}

export function tableDdl(name: TenantTable, opts: DdlOptions): string {
  const t = tableDef(name);
  const cols = t.columns.map((c) => {
    const type = c.type.replace(/\{(\w+)\}/, (_, e: string) => q(opts, e));
    return `  ${c.name} ${type}${c.notNull ? ' NOT NULL' : ''}`;
  });
  if (opts.tenantColumn) cols.unshift('  tenant_id uuid NOT NULL');
  return `CREATE TABLE ${q(opts, t.name)} (\n${cols.join(',\n')}\n)`;
}

/**
 * Keys, constraints and indexes, in an order that works after a bulk load: primary keys and
 * unique keys first (foreign keys need them), then secondary indexes, then foreign keys.
 */
export function postLoadDdl(name: TenantTable, opts: DdlOptions): string[] {
  const t = tableDef(name);
  const lead = (cols: string[]) => (opts.tenantColumn ? ['tenant_id', ...cols] : cols).join(', ');
  const table = q(opts, t.name);
  const out: string[] = [`ALTER TABLE ${table} ADD CONSTRAINT ${t.name}_pkey PRIMARY KEY (${lead(['id'])})`];
  for (const u of t.unique) out.push(`ALTER TABLE ${table} ADD CONSTRAINT ${u.name} UNIQUE (${lead(u.columns)})`);
  for (const i of t.indexes) out.push(`CREATE INDEX ${i.name} ON ${table} (${lead(i.columns)})`);
  if (opts.tenantColumn) {
    out.push(`ALTER TABLE ${table} ADD CONSTRAINT ${t.name}_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ${q(opts, 'tenants')} (id)`);
  }
  for (const fk of t.foreignKeys) {
    out.push(
      `ALTER TABLE ${table} ADD CONSTRAINT ${fk.name} FOREIGN KEY (${lead(fk.columns)}) REFERENCES ${q(opts, fk.table)} (${lead(['id'])})`,
    );
  }
  return out;
}

/**
 * Per-tenant checksum of one table, independent of the layout: the row count and the sum of a
 * 64-bit hash of each row's data columns rendered as text (tenant_id excluded). A sum is
 * order-independent, so no sort is needed; the session must use TimeZone UTC and DateStyle ISO so
 * timestamps render the same everywhere.
 */
export function checksumSql(name: TenantTable, opts: DdlOptions): string {
  const cols = dataColumns(name).join(', ');
  const hash = `coalesce(sum(hashtextextended(ROW(${cols})::text, 0)), 0)::text AS hash`;
  const table = q(opts, name);
  return opts.tenantColumn
    ? `SELECT tenant_id::text AS tenant_id, count(*)::int8::text AS n, ${hash} FROM ${table} GROUP BY tenant_id`
    : `SELECT count(*)::int8::text AS n, ${hash} FROM ${table}`;
}

/** Everything a bare (pre-load) schema needs: enum types, [the tenants directory,] the tenant tables. */
export function bareSchemaDdl(opts: DdlOptions, withTenantsDirectory = opts.tenantColumn): string[] {
  return [...typesDdl(opts), ...(withTenantsDirectory ? [tenantsTableDdl(opts)] : []), ...TENANT_TABLES.map((t) => tableDdl(t, opts))];
}
