import type { TenantChoice } from '../config/scenario-schema.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { Rnd } from './workload-query.js';

/**
 * Which tenant a request is for. uniform: every tenant alike; weighted: in proportion to its rows
 * (large tenants get most traffic); hot: one tenant (default the largest) gets `share` of the
 * requests, the others share the rest uniformly.
 */
export function makeTenantChooser(choice: TenantChoice, tenants: readonly TenantPlan[]): (rnd: Rnd) => TenantPlan {
  if (tenants.length === 0) throw new Error('no tenants to choose from');
  const n = tenants.length;
  if (choice.kind === 'uniform') return (rnd) => tenants[Math.floor(rnd() * n)]!;
  if (choice.kind === 'weighted') {
    const cumulative: number[] = [];
    let acc = 0;
    const total = tenants.reduce((a, t) => a + t.rows, 0);
    for (const t of tenants) {
      acc += t.rows / total;
      cumulative.push(acc);
    }
    return (rnd) => {
      const r = rnd();
      // Binary search: O(log n) per request for 100k tenants.
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > r) hi = mid;
        else lo = mid + 1;
      }
      return tenants[lo]!;
    };
  }
  const hot = choice.tenant
    ? tenants.find((t) => t.slug === choice.tenant)
    : [...tenants].sort((a, b) => b.rows - a.rows || a.index - b.index)[0];
  if (!hot) throw new Error(`hot tenant ${choice.tenant} is not in the plan`);
  const others = tenants.filter((t) => t !== hot);
  const share = choice.share;
  return (rnd) => (others.length === 0 || rnd() < share ? hot : others[Math.floor(rnd() * others.length)]!);
}

export type TenantClass = 'small' | 'large';

/**
 * Large tenants: the biggest ones that together hold at least half of all rows (at least one);
 * the rest are small. With uniform sizes that splits the tenants in two halves by number.
 */
export function tenantClasses(tenants: readonly TenantPlan[]): Map<string, TenantClass> {
  const total = tenants.reduce((a, t) => a + t.rows, 0);
  const out = new Map<string, TenantClass>();
  let acc = 0;
  for (const t of [...tenants].sort((a, b) => b.rows - a.rows || a.index - b.index)) {
    out.set(t.slug, acc < total / 2 ? 'large' : 'small');
    acc += t.rows;
  }
  return out;
}
