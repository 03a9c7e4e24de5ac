import { z } from 'zod';
import { DEFAULT_POLICY_FORM, POLICY_FORMS } from '../layouts/rls/policy-form-names.js';
import type { Problem } from './problem.js';

/** One RLS policy form (src/layouts/rls/policy-forms.ts says what each is). */
export const policyFormSchema = z.enum(POLICY_FORMS).default(DEFAULT_POLICY_FORM);

/**
 * `policyForms:` in a scenario: after the workload, the rls layout's seeded tables are taken through
 * each form in turn (policies re-created, the no-index form's index rebuilt, rows untouched and
 * checksummed) and the workload is measured under each, open loop at `workload.ratePerS`, repeats
 * interleaved in a shuffled order (src/pipeline/policy-forms-stage.ts). null = no comparison.
 */
export const policyFormsSchema = z
  .object({
    /** The forms to measure; `setting` (the baseline the others are compared with) must be one. */
    forms: z
      .array(z.enum(POLICY_FORMS))
      .min(2)
      .default(() => [...POLICY_FORMS]),
  })
  .strict();

export type PolicyFormsFile = z.output<typeof policyFormsSchema>;

/** The first thing wrong with a policyForms block beyond its types (paths from the scenario's root). */
export function policyFormsProblem(p: PolicyFormsFile, f: { layouts: readonly string[]; workload: { mode: string } }): Problem | undefined {
  const dupes = p.forms.filter((x, i) => p.forms.indexOf(x) !== i);
  if (dupes.length) return { path: ['policyForms', 'forms'], message: `listed twice: ${dupes.join(', ')}` };
  if (!p.forms.includes(DEFAULT_POLICY_FORM))
    return {
      path: ['policyForms', 'forms'],
      message: `must include ${DEFAULT_POLICY_FORM} (the baseline the other forms are compared with)`,
    };
  if (!f.layouts.includes('rls')) return { path: ['policyForms'], message: 'measures the rls layout: add rls to layouts' };
  if (f.workload.mode !== 'open')
    return { path: ['workload', 'mode'], message: 'policyForms compares the forms at equal offered load: set workload.mode to open' };
  return undefined;
}

/**
 * The pgbench reference sets app.tenant_id only (src/workload/pgbench-context.ts), so it would
 * measure empty results under the membership form, which reads app.user: refused, not misreported.
 */
export function policyOptionProblem(f: {
  layoutOptions: { rls: { policy: string }; hybrid: { policy: string } };
  workload: { reference: string };
}): Problem | undefined {
  if (f.workload.reference !== 'pgbench') return undefined;
  for (const l of ['rls', 'hybrid'] as const) {
    if (f.layoutOptions[l].policy === 'membership')
      return {
        path: ['layoutOptions', l, 'policy'],
        message: 'membership cannot be measured with workload.reference pgbench (its script sets app.tenant_id, not app.user)',
      };
  }
  return undefined;
}
