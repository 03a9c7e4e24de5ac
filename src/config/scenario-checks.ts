/**
 * The checks across fields a scenario must pass beyond the schema's types (scenario-schema.ts), in
 * the order they are reported: only the first problem is, since later checks assume earlier ones hold.
 */
import { tenantSlug } from '../../seed/tenant-plan.js';
import type { Problem } from './problem.js';
import { QUERY_NAMES } from './query-names.js';
import { customQueryProblem } from './custom-query-schema.js';
import { rateSweepProblem } from './rate-sweep-schema.js';
import { headlineProblem } from './headline-schema.js';
import { policyFormsProblem, policyOptionProblem } from './policy-schema.js';
import { DEDICATED_FRACTION } from './scenario-schema.js';
import type { ScenarioFile } from './scenario-schema.js';

export function* scenarioProblems(f: ScenarioFile): Generator<Problem> {
  const tenants = f.tenants.count;
  if (f.rows < tenants) yield problem('rows', `${f.rows} rows is fewer than the ${tenants} tenants (every tenant needs at least one row)`);
  const sizes = f.tenants.sizes;
  if (sizes.kind === 'enterprise' && sizes.count >= tenants) {
    yield problem('tenants.sizes.count', `${sizes.count} enterprise tenants must be fewer than tenants.count (${tenants})`);
  }
  const dupes = f.layouts.filter((l, i) => f.layouts.indexOf(l) !== i);
  if (dupes.length) yield problem('layouts', `listed twice: ${dupes.join(', ')}`);

  const h = f.layoutOptions.hybrid;
  for (const slug of h.dedicatedTenants) yield* slugProblems(slug, tenants, 'layoutOptions.hybrid.dedicatedTenants');
  const dedicated = dedicatedCount(h.dedicated, tenants);
  if (dedicated > tenants) yield problem('layoutOptions.hybrid.dedicated', `${dedicated} is more than the ${tenants} tenants`);

  const custom = customQueryProblem(f.queries ?? []);
  if (custom) yield custom;
  const names = [...QUERY_NAMES, ...(f.queries ?? []).map((q) => q.name)];
  const isQueryName = (q: string) => names.includes(q);
  const w = f.workload;
  for (const q of Object.keys(w.mix)) {
    if (!isQueryName(q)) yield problem(`workload.mix.${q}`, `unknown query "${q}"; allowed: ${names.join(', ')}`);
  }
  const sum = Object.values(w.mix).reduce((a, b) => a + b, 0);
  if (!(sum > 0)) yield problem('workload.mix', `the weights sum to ${sum}; at least one query needs a weight > 0`);
  if (w.tenantChoice.kind === 'hot' && w.tenantChoice.tenant !== undefined) {
    yield* slugProblems(w.tenantChoice.tenant, tenants, 'workload.tenantChoice.tenant');
  }
  const nn = w.noisyNeighbour;
  if (nn) {
    if (!isQueryName(nn.query)) {
      yield problem('workload.noisyNeighbour.query', `unknown query "${nn.query}"; allowed: ${names.join(', ')}`);
    }
    if (nn.tenant !== null) yield* slugProblems(nn.tenant, tenants, 'workload.noisyNeighbour.tenant');
    if (tenants < 2) yield problem('workload.noisyNeighbour', 'needs at least 2 tenants (the noisy one and the measured others)');
  }

  if (f.rateSweep) {
    const p = rateSweepProblem(f.rateSweep.rates);
    if (p) yield p;
  }
  if (f.headline) {
    const p = headlineProblem(f.headline, f.workload.mix, names);
    if (p) yield p;
  }
  const po = policyOptionProblem(f);
  if (po) yield po;
  if (f.policyForms) {
    const p = policyFormsProblem(f.policyForms, f);
    if (p) yield p;
  }
}

/**
 * The hybrid's dedicated tier size when no `dedicatedTenants` are listed: the given count, else
 * DEDICATED_FRACTION of the tenants, at least 1 and (with 2 or more tenants) fewer than all of them.
 */
export function dedicatedCount(given: number | undefined, tenants: number): number {
  const dedicated = given ?? Math.max(1, Math.round(tenants * DEDICATED_FRACTION));
  if (tenants === 1) return Math.min(dedicated, 1);
  return given === undefined ? Math.min(dedicated, tenants - 1) : dedicated;
}

function problem(field: string, message: string): Problem {
  return { path: field.split('.'), message };
}

/** A tenant slug (t0001...) must name one of the scenario's tenants. */
function* slugProblems(slug: string, tenants: number, field: string): Generator<Problem> {
  const n = Number(slug.slice(1));
  if (n < 1 || n > tenants) yield problem(field, `${slug} is not a tenant (${tenantSlug(0)}..${tenantSlug(tenants - 1)})`);
}
