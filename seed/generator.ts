/**
 * Deterministic row generator producing PostgreSQL COPY text format. A (tenant, table) stream
 * depends only on the scenario seed and the tenant's plan, never on which layout is being loaded
 * or in which order: that is what makes the datasets identical across layouts.
 *
 * Output is chunked (~64 KiB) so memory stays flat however many rows are produced.
 */
import { Readable } from 'node:stream';
import { CUSTOMER_SEGMENTS, ORDER_STATUSES } from './dataset.js';
import type { Pools } from './pools.js';
import { hash32, mulberry32, weightedPicker } from './prng.js';
import type { DatasetPlan, TenantPlan, TenantTable } from './tenant-plan.js';

/** Data timestamps fall in [2024-01-01, 2026-01-01) UTC: fixed, never "now", so reruns match. */
const EPOCH_MS = Date.UTC(2024, 0, 1);
const SPAN_S = 2 * 365 * 24 * 3600;
const CHUNK_BYTES = 64 * 1024;

const TABLE_SALT: Record<TenantTable, number> = { customers: 1, products: 2, orders: 3, order_items: 4 };
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD'];
const CHANNELS = ['web', 'mobile', 'api', 'partner', 'pos'];
const TAGS = ['gift', 'priority', 'bulk', 'promo', 'subscription', 'b2b', 'backorder', 'fragile'];
const SOURCES = ['ads', 'organic', 'referral', 'event', 'partner'];

const pickStatus = weightedPicker<string>([
  [ORDER_STATUSES[0], 5],
  [ORDER_STATUSES[1], 15],
  [ORDER_STATUSES[2], 15],
  [ORDER_STATUSES[3], 55],
  [ORDER_STATUSES[4], 7],
  [ORDER_STATUSES[5], 3],
]);
const pickSegment = weightedPicker<string>([
  [CUSTOMER_SEGMENTS[0], 70],
  [CUSTOMER_SEGMENTS[1], 25],
  [CUSTOMER_SEGMENTS[2], 5],
]);

function pick<T>(xs: readonly T[], r: number): T {
  return xs[Math.floor(r * xs.length)]!;
}

function money(cents: number): string {
  const c = cents % 100;
  return `${Math.floor(cents / 100)}.${c < 10 ? '0' : ''}${c}`;
}

function timestamp(seconds: number): string {
  return new Date(EPOCH_MS + seconds * 1000).toISOString();
}

/** Unit price of a tenant's product, as a pure function so orders and items agree. */
function productPriceCents(tenant: TenantPlan, p: number): number {
  return 100 + (hash32(tenant.seed, 11, p) % 99_900);
}

/** Items of order o: an even spread of the tenant's item budget (floor arithmetic, exact total). */
function itemRange(tenant: TenantPlan, o: number): [number, number] {
  const O = tenant.counts.orders;
  const I = tenant.counts.order_items;
  return [Math.floor((o * I) / O), Math.floor(((o + 1) * I) / O)];
}

/**
 * Each generator writes rows [from, to) of one tenant's table (for order_items: the items of
 * orders [from, to)) into `out`. Every row has its own PRNG stream seeded by its position, so any
 * slice can be produced alone, and slicing never changes a byte.
 */
type SliceGen = (tenant: TenantPlan, pools: Pools, prefix: string, from: number, to: number, out: string[]) => void;

const customers: SliceGen = (tenant, pools, prefix, from, to, out) => {
  for (let c = from; c < to; c++) {
    const rnd = mulberry32(hash32(tenant.seed, TABLE_SALT.customers, c));
    const id = tenant.idStart.customers + c;
    const first = pick(pools.firstNames, rnd());
    const last = pick(pools.lastNames, rnd());
    const email = `${first}.${last}.${id}@${pick(pools.domains, rnd())}`.toLowerCase().replace(/[^a-z0-9.@-]/g, '');
    const created = Math.floor(rnd() * SPAN_S);
    const attrs = `{"newsletter": ${rnd() < 0.4}, "source": "${pick(SOURCES, rnd())}", "seats": ${1 + Math.floor(rnd() * 200)}}`;
    out.push(
      `${prefix}${id}\t${first} ${last}\t${email}\t${pick(pools.countries, rnd())}\t${pickSegment(rnd())}\t${timestamp(created)}\t${attrs}\n`,
    );
  }
};

const products: SliceGen = (tenant, pools, prefix, from, to, out) => {
  for (let p = from; p < to; p++) {
    const rnd = mulberry32(hash32(tenant.seed, TABLE_SALT.products, p));
    const id = tenant.idStart.products + p;
    const category = pick(pools.categories, rnd());
    const name = `${pick(pools.adjectives, rnd())} ${pick(pools.materials, rnd())} ${pick(pools.nouns, rnd())}`;
    const sku = `${category.slice(0, 3).toUpperCase()}-${p.toString(36).toUpperCase().padStart(6, '0')}`;
    const attrs = `{"color": "${pick(pools.colors, rnd())}", "weight_g": ${10 + Math.floor(rnd() * 5000)}}`;
    const active = rnd() < 0.9 ? 't' : 'f';
    out.push(`${prefix}${id}\t${sku}\t${name}\t${category}\t${money(productPriceCents(tenant, p))}\t${active}\t${attrs}\n`);
  }
};

const orders: SliceGen = (tenant, pools, prefix, from, to, out) => {
  const currency = CURRENCIES[tenant.seed % CURRENCIES.length]!;
  const { customers: C, products: P } = tenant.counts;
  for (let o = from; o < to; o++) {
    const rnd = mulberry32(hash32(tenant.seed, TABLE_SALT.orders, o));
    const id = tenant.idStart.orders + o;
    const customerId = tenant.idStart.customers + Math.floor(rnd() * C);
    const status = pickStatus(rnd());
    const created = Math.floor(rnd() * SPAN_S);
    const note = rnd() < 0.35 ? pick(pools.sentences, rnd()) : '\\N';
    const t1 = pick(TAGS, rnd());
    const tags = rnd() < 0.3 ? `["${t1}", "${pick(TAGS, rnd())}"]` : `["${t1}"]`;
    const metadata = `{"channel": "${pick(CHANNELS, rnd())}", "tags": ${tags}, "priority": ${Math.floor(rnd() * 5)}}`;
    // The total is the sum of this order's items, recomputed from the same per-order stream.
    let total = 0;
    const [i0, i1] = itemRange(tenant, o);
    const irnd = mulberry32(hash32(tenant.seed, TABLE_SALT.order_items, o));
    for (let i = i0; i < i1; i++) {
      const p = Math.floor(irnd() * P);
      const qty = 1 + Math.floor(irnd() * irnd() * 10);
      total += qty * productPriceCents(tenant, p);
    }
    out.push(`${prefix}${id}\t${customerId}\t${status}\t${money(total)}\t${currency}\t${timestamp(created)}\t${note}\t${metadata}\n`);
  }
};

const orderItems: SliceGen = (tenant, _pools, prefix, from, to, out) => {
  const P = tenant.counts.products;
  for (let o = from; o < to; o++) {
    const orderId = tenant.idStart.orders + o;
    const [i0, i1] = itemRange(tenant, o);
    const irnd = mulberry32(hash32(tenant.seed, TABLE_SALT.order_items, o));
    for (let i = i0; i < i1; i++) {
      const p = Math.floor(irnd() * P);
      const qty = 1 + Math.floor(irnd() * irnd() * 10);
      out.push(
        `${prefix}${tenant.idStart.order_items + i}\t${orderId}\t${tenant.idStart.products + p}\t${qty}\t${money(productPriceCents(tenant, p))}\n`,
      );
    }
  }
};

const GENERATORS: Record<TenantTable, SliceGen> = { customers, products, orders, order_items: orderItems };

/** Units a generator slices over: rows, except order_items which go by order. */
function units(table: TenantTable, tenant: TenantPlan): number {
  return table === 'order_items' ? tenant.counts.orders : tenant.counts[table];
}

/** Rows per slice: ~64-100 KiB of COPY text. */
const SLICE = 512;

/**
 * COPY text for one table over the given tenants, as a pull-based stream of chunks: memory stays
 * flat whatever the number of rows. `tenantColumn` prefixes each row with the tenant's uuid.
 * `onRows` is called with the number of rows in each chunk (for progress).
 */
export function tableCopyStream(
  table: TenantTable,
  tenants: readonly TenantPlan[],
  pools: Pools,
  opts: { tenantColumn: boolean; onRows?: (n: number) => void },
): Readable {
  const gen = GENERATORS[table];
  function* chunks(): Generator<Buffer> {
    for (const tenant of tenants) {
      const prefix = opts.tenantColumn ? `${tenant.id}\t` : '';
      const n = units(table, tenant);
      for (let from = 0; from < n; from += SLICE) {
        const out: string[] = [];
        gen(tenant, pools, prefix, from, Math.min(n, from + SLICE), out);
        opts.onRows?.(out.length);
        yield Buffer.from(out.join(''));
      }
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 4 * CHUNK_BYTES });
}

/** Rows of the `tenants` directory table (pooled layouts). */
export function tenantsCopyText(plan: DatasetPlan, pools: Pools): string {
  return plan.tenants
    .map((t) => {
      const rnd = mulberry32(hash32(t.seed, 77));
      const name = pick(pools.companies, rnd());
      return `${t.id}\t${t.slug}\t${name}\t${t.plan}\t${timestamp(Math.floor(rnd() * SPAN_S))}\n`;
    })
    .join('');
}

/**
 * The column values (COPY text; null for \N) of one of a tenant's rows, generated alone: row `k`
 * of customers, products or orders, or the first item of order `k` for order_items (null when
 * that order has none). Custom queries' `own-row` parameters draw from it.
 */
export function tenantRowValues(table: TenantTable, tenant: TenantPlan, pools: Pools, k: number): (string | null)[] | null {
  const out: string[] = [];
  GENERATORS[table](tenant, pools, '', k, k + 1, out);
  const line = out[0];
  if (line === undefined) return null;
  return line
    .replace(/\n$/, '')
    .split('\t')
    .map((v) => (v === '\\N' ? null : v));
}
