import type { ResolvedScenario } from '../config/load-scenario.js';
import { withAdmin } from '../db/client.js';
import { UsageError } from '../errors.js';
import type { LayoutContext } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { POLICY_FORMS } from '../layouts/rls/policy-form-names.js';
import type { PolicyForm } from '../layouts/rls/policy-form-names.js';
import { applyPolicyForm } from '../layouts/rls/policy-forms.js';

/**
 * Per-side RLS policy form (`--a-layout-option`/`--b-layout-option rls.policy=<form>`, or two
 * scenario files whose layoutOptions.rls.policy differ): the rls layout's seeded tables are taken
 * to the side's form before its window when the form on them differs, as the policy-forms stage
 * does (policies re-created, the no-index form's index rebuilt, rows never touched), and the
 * seeded form is put back at the end. The DDL runs before the window's warm-up, never inside the
 * measured window; the router of the window reads the side's form (the membership form sets app.user).
 */
export function withLayoutOptions(scenario: ResolvedScenario, items: readonly string[], flag: string): ResolvedScenario {
  let out = scenario;
  for (const item of items) {
    const m = /^rls\.policy=(.*)$/.exec(item);
    if (!m || !(POLICY_FORMS as readonly string[]).includes(m[1]!)) {
      throw new UsageError(
        `${flag} "${item}": expected rls.policy=<form>, form one of ${POLICY_FORMS.join(', ')} (the only layout option that may differ between the sides: the rows are seeded once)`,
        flag.slice(2),
      );
    }
    out = { ...out, layoutOptions: { ...out.layoutOptions, rls: { ...out.layoutOptions.rls, policy: m[1] as PolicyForm } } };
  }
  return out;
}

/** The layout context a side's window runs in: the session's, with the side's rls policy form. */
export function sideContext(ctx: LayoutContext, side: ResolvedScenario): LayoutContext {
  const policy = side.layoutOptions.rls.policy;
  if (ctx.scenario.layoutOptions.rls.policy === policy) return ctx;
  return {
    ...ctx,
    scenario: { ...ctx.scenario, layoutOptions: { ...ctx.scenario.layoutOptions, rls: { ...ctx.scenario.layoutOptions.rls, policy } } },
  };
}

/** Takes the rls tables to `form` unless `current` is already it; returns the form now on them. */
export async function applySidePolicy(ctx: LayoutContext, current: PolicyForm, form: PolicyForm): Promise<PolicyForm> {
  if (current === form) return current;
  const rls = layoutOf('rls');
  const role = rls.tableUnits(ctx)[0]!.rlsRole!;
  for (const db of rls.databases(ctx)) await withAdmin(ctx.target, db, (c) => applyPolicyForm(c, form, role));
  return form;
}
