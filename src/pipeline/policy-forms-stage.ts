import type { ResolvedScenario } from '../config/load-scenario.js';
import { withAdmin } from '../db/client.js';
import { errorMessage } from '../errors.js';
import type { LayoutContext } from '../layouts/layout.js';
import { withTenantSession } from '../layouts/common/with-tenant-session.js';
import { layout as layoutOf } from '../layouts/registry.js';
import { explainQuery } from '../layouts/rls/explain-plan.js';
import type { PolicyForm } from '../layouts/rls/policy-form-names.js';
import { DEFAULT_POLICY_FORM } from '../layouts/rls/policy-form-names.js';
import { applyPolicyForm } from '../layouts/rls/policy-forms.js';
import { stopwatch } from '../measure/timer.js';
import type { PolicyFormResult, PolicyFormsSummary, QueryPlan } from '../results/policy-forms-schema.js';
import { datasetChecksum } from '../seed-check.js';
import { hash32, mulberry32 } from '../../seed/prng.js';
import { measureSegment } from '../workload/measure-segment.js';
import type { SegmentResult } from '../workload/measure-segment.js';
import { QUERIES } from '../workload/query-registry.js';
import { summarizeLayout } from '../workload/summarize-workload.js';
import type { RunSession } from './run-session.js';
import { layoutOrder } from './run-stage.js';

/** The queries whose plans the report shows: the headline join and the point lookup. */
const EXPLAINED = ['recent-orders', 'point-lookup'] as const;

/** The context of a form: the same session, the rls layout's router reading that form's settings. */
function withForm(ctx: LayoutContext, form: PolicyForm): LayoutContext {
  const sc: ResolvedScenario = ctx.scenario;
  return { ...ctx, scenario: { ...sc, layoutOptions: { ...sc.layoutOptions, rls: { policy: form } } } };
}

/** EXPLAIN (ANALYZE) of the explained queries for the largest tenant, as the application (its router, its context). */
async function explainForm(ctx: LayoutContext): Promise<Record<string, QueryPlan>> {
  const t = [...ctx.plan.tenants].sort((a, b) => b.rows - a.rows || a.index - b.index)[0]!;
  const router = layoutOf('rls').router(ctx, { maxConnections: 1 });
  const out: Record<string, QueryPlan> = {};
  try {
    for (const name of EXPLAINED) {
      const q = QUERIES[name];
      const rnd = mulberry32(hash32(ctx.scenario.seed, 0x9a, EXPLAINED.indexOf(name)));
      const params = q.params(t, rnd, { next: () => 0 });
      out[name] = await withTenantSession(router, t, (s) =>
        explainQuery(s, q.sql({ tenantFilter: false, tenantColumn: true }).text, params, 'orders'),
      );
    }
  } finally {
    await router.close();
  }
  return out;
}

/**
 * The policy-forms comparison (`policyForms:` in the scenario, issue 16): the rls layout's seeded
 * tables are taken through each form in turn (policy-forms.ts: policies re-created, the no-index
 * form's index rebuilt; rows never touched, checksummed after each form's first application), and
 * the scenario's workload is measured under each, open loop at workload.ratePerS for every form,
 * repeats interleaved in a shuffled order per repeat, as the workload stage does with layouts.
 * Each form's plans (EXPLAIN ANALYZE of the headline join and the point lookup) are read once.
 * At the end the scenario's own form (layoutOptions.rls.policy) is put back.
 *
 * Why a stage over the rls tables and not one registered layout per form: the forms differ in DDL
 * only, so one seeded database serves them all (the same rows, the same buffer cache, no copies),
 * and the layout names, results and report keep their five layouts.
 */
export async function policyFormsStage(s: RunSession): Promise<void> {
  const pf = s.scenario.policyForms;
  if (!pf) return;
  const w = s.scenario.workload;
  const forms = [...pf.forms];
  const summary: PolicyFormsSummary = {
    layout: 'rls',
    ratePerS: w.ratePerS,
    baseline: DEFAULT_POLICY_FORM,
    order: [],
    restored: null,
    forms: Object.fromEntries(
      forms.map((f): [PolicyForm, PolicyFormResult] => [
        f,
        { status: 'not-run', reason: 'not reached', applySeconds: [], checksumsUnchanged: null, plans: {}, workload: null },
      ]),
    ),
  };
  s.summary.policyForms = summary;
  const rls = layoutOf('rls');
  if (s.summary.layouts.rls?.status !== 'ok') {
    for (const r of Object.values(summary.forms)) r.reason = `rls not seeded (${s.summary.layouts.rls?.status ?? 'not in layouts'})`;
    s.flush();
    return;
  }
  const seeded = s.checksums.get('rls');
  const seededSum = seeded ? datasetChecksum(seeded) : null;
  const db = rls.databases(s.ctx)[0]!;
  const role = rls.tableUnits(s.ctx)[0]!.rlsRole!;
  const apply = async (form: PolicyForm) => {
    const sw = stopwatch();
    await withAdmin(s.ctx.target, db, (c) => applyPolicyForm(c, form, role));
    return sw.seconds();
  };
  s.out(
    `policy forms: ${forms.join(', ')} on the rls tables, ${w.ratePerS}/s open loop, ${w.warmupSeconds} s warm-up + ${w.durationSeconds} s each, ${w.repeats} repeat(s)`,
  );
  const segments = new Map<PolicyForm, SegmentResult[]>();
  let failure: unknown = null;
  try {
    for (let r = 0; r < w.repeats; r++) {
      // The workload stage's shuffle (layoutOrder) over the forms, with another stream of the seed.
      const order = layoutOrder(forms, hash32(s.scenario.seed, 0xf0), r);
      summary.order.push(order);
      for (const form of order) {
        const res = summary.forms[form]!;
        if (res.status === 'failed') continue;
        try {
          res.applySeconds.push(await apply(form));
          const ctx = withForm(s.ctx, form);
          if (r === 0) {
            const now = await rls.checksums(ctx);
            res.checksumsUnchanged = seededSum === null ? null : datasetChecksum(now) === seededSum;
            if (res.checksumsUnchanged === false) throw new Error(`the rows changed under ${form} (checksum differs from the seeded one)`);
            res.plans = await explainForm(ctx);
          }
          const seg = await measureSegment({ ctx, layout: 'rls', workload: w, repeat: r });
          segments.set(form, [...(segments.get(form) ?? []), seg]);
          res.workload = summarizeLayout(w, segments.get(form)!);
          res.status = 'ok';
          res.reason = null;
          const all = res.workload.all;
          const plan = res.plans['recent-orders']?.shape;
          s.out(
            `  repeat ${r + 1}/${w.repeats} ${form}: p50 ${all?.p50Ms ?? '-'} ms, p99 ${all?.p99Ms ?? '-'} ms` +
              (plan ? `; recent-orders: tenant_id in ${plan.tenantPredicate}` : ''),
          );
        } catch (err) {
          res.status = 'failed';
          res.reason = errorMessage(err);
          failure ??= err;
          s.out(`  ${form}: failed: ${res.reason}`);
        }
        s.flush();
      }
    }
  } finally {
    const own = s.scenario.layoutOptions.rls.policy;
    try {
      await apply(own);
      summary.restored = own;
    } catch (err) {
      failure ??= err;
    }
    s.flush();
  }
  if (failure) throw failure;
}
