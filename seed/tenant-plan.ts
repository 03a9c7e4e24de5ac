import { createHash } from 'node:crypto';
import { hash32, mulberry32 } from './prng.js';

/** Tables owned by a tenant, in load order (referenced tables first). */
export const TENANT_TABLES = ['customers', 'products', 'orders', 'order_items'] as const;
export type TenantTable = (typeof TENANT_TABLES)[number];

export type SizeDistribution = { kind: 'uniform' } | { kind: 'zipf'; s: number } | { kind: 'enterprise'; count: number; share: number };

export interface TenantPlan {
  /** 0-based position; also the tenant's size rank (0 = largest under zipf/enterprise). */
  readonly index: number;
  /** t0001, t0002, ... stable names used for schemas, databases and roles. */
  readonly slug: string;
  readonly id: string;
  readonly name: string;
  readonly plan: 'free' | 'pro' | 'enterprise';
  /** Total rows over the tenant tables. */
  readonly rows: number;
  readonly counts: Readonly<Record<TenantTable, number>>;
  /** First global id of this tenant in each table; ids are unique across tenants and identical in every layout. */
  readonly idStart: Readonly<Record<TenantTable, number>>;
  /** Seed of this tenant's PRNG streams. */
  readonly seed: number;
}

export interface DatasetPlan {
  readonly seed: number;
  readonly rows: number;
  readonly tenants: readonly TenantPlan[];
  readonly totals: Readonly<Record<TenantTable, number>>;
}

export interface PlanInput {
  seed: number;
  tenants: number;
  rows: number;
  sizes: SizeDistribution;
}

/** Deterministic tenant uuid: sha256(seed:index) shaped as an RFC 4122 version-4 uuid. */
export function tenantUuid(seed: number, index: number): string {
  const h = createHash('sha256').update(`tenantbench:${seed}:${index}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function tenantSlug(index: number): string {
  return `t${String(index + 1).padStart(4, '0')}`;
}

/** Rows per tenant: every tenant gets at least one, the rest by weight (largest remainder, exact total). */
export function allocateRows(input: PlanInput): number[] {
  const { tenants, rows, sizes } = input;
  const weights: number[] = [];
  for (let i = 0; i < tenants; i++) {
    if (sizes.kind === 'uniform') weights.push(1);
    else if (sizes.kind === 'zipf') weights.push(1 / (i + 1) ** sizes.s);
    else weights.push(i < sizes.count ? sizes.share / sizes.count : (1 - sizes.share) / (tenants - sizes.count));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const spare = rows - tenants;
  const exact = weights.map((w) => (w / total) * spare);
  const out = exact.map((x) => 1 + Math.floor(x));
  let left = rows - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]![1]]! += 1;
  return out;
}

/** How a tenant's rows split over the tables: ~2% products, ~8% customers, ~2.1 items per order. */
export function splitRows(rows: number): Record<TenantTable, number> {
  const products = Math.max(1, Math.floor(rows * 0.02));
  let customers = rows >= 2 ? Math.max(1, Math.floor(rows * 0.08)) : 0;
  const rest = rows - products - customers;
  let orders = customers > 0 ? Math.round(rest * 0.32) : 0;
  if (orders === 0 && rest > 0) {
    customers += rest;
    return { customers, products, orders: 0, order_items: 0 };
  }
  if (orders === 0) orders = 0;
  return { customers, products, orders, order_items: rest - orders };
}

export function planDataset(input: PlanInput): DatasetPlan {
  const rows = allocateRows(input);
  const next: Record<TenantTable, number> = { customers: 1, products: 1, orders: 1, order_items: 1 };
  const totals: Record<TenantTable, number> = { customers: 0, products: 0, orders: 0, order_items: 0 };
  const enterpriseCount = input.sizes.kind === 'enterprise' ? input.sizes.count : 0;
  const tenants = rows.map((r, index): TenantPlan => {
    const counts = splitRows(r);
    const idStart = { ...next };
    for (const t of Object.keys(counts) as TenantTable[]) {
      next[t] += counts[t];
      totals[t] += counts[t];
    }
    const rnd = mulberry32(hash32(input.seed, index, 99));
    const plan = index < enterpriseCount ? 'enterprise' : rnd() < 0.3 ? 'pro' : 'free';
    return {
      index,
      slug: tenantSlug(index),
      id: tenantUuid(input.seed, index),
      name: `Tenant ${index + 1}`,
      plan,
      rows: r,
      counts,
      idStart,
      seed: hash32(input.seed, index),
    };
  });
  return { seed: input.seed, rows: input.rows, tenants, totals };
}
