import { ORDER_STATUSES } from '../../../seed/dataset.js';
import { tenantPredicates } from '../workload-query.js';
import type { Rnd, WorkloadQuery } from '../workload-query.js';

/** Fragments common in the notes' lorem sentences, so matches exist. */
const FRAGMENTS = ['um', 'us', 'or', 'it', 'en', 'at'];
/** Values in the orders' metadata.channel (seed/generator.ts). */
const CHANNELS = ['web', 'mobile', 'api', 'partner', 'pos'];
const pick = <T>(xs: readonly T[], rnd: Rnd): T => xs[Math.floor(rnd() * xs.length)]!;

/**
 * A search whose filters are not leakproof: ILIKE on text, a numeric comparison, an enum and a
 * jsonb containment. Under RLS the planner must not evaluate a non-leakproof qual before the
 * policy, so such filters can lose an index that the shared baseline (plain tenant_id = $n) keeps.
 */
export const orderSearch: WorkloadQuery = {
  name: 'order-search',
  description: 'orders by note ILIKE, total >, status =, metadata @> (non-leakproof filters), newest 50',
  writes: false,
  sql: (shape) => ({
    text:
      'SELECT o.id, o.total, o.status, o.created_at FROM orders o ' +
      `WHERE o.note ILIKE $1 AND o.total > $2 AND o.status = $3 AND o.metadata @> $4${tenantPredicates(shape, 5, 'o')} ` +
      'ORDER BY o.created_at DESC LIMIT 50',
    tenantParam: shape.tenantFilter,
  }),
  params: (_tenant, rnd) => [
    `%${pick(FRAGMENTS, rnd)}%`,
    // Order totals run from ~1 to a few thousand (currency units): a threshold below 500 keeps many.
    Math.floor(rnd() * 500),
    pick(ORDER_STATUSES, rnd),
    JSON.stringify({ channel: pick(CHANNELS, rnd) }),
  ],
};
