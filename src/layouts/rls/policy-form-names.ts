/**
 * The RLS policy forms a scenario may choose (`layoutOptions.rls.policy`, `layoutOptions.hybrid.policy`)
 * and compare (`policyForms.forms`). No imports, so config/ validates names without loading layouts.
 * What each form is: policy-forms.ts.
 */
export const POLICY_FORMS = ['setting', 'function-stable', 'function-volatile', 'subquery', 'membership', 'no-index'] as const;

export type PolicyForm = (typeof POLICY_FORMS)[number];

/** Today's policy, the baseline every other form is compared with. */
export const DEFAULT_POLICY_FORM: PolicyForm = 'setting';
