/**
 * RLS policy forms (issue 16): each form's latency on the same rls tables at the same offered load,
 * against the `setting` form with 95% intervals (baseline-ratio.ts withSpread + bootstrap
 * ratioInterval), and the plan shape each form gets for the headline join and the point lookup.
 */
import type { PolicyForm } from '../layouts/rls/policy-form-names.js';
import { describeShape } from '../layouts/rls/plan-shape.js';
import { ratioInterval } from '../measure/bootstrap.js';
import type { PolicyFormResult, PolicyFormsSummary } from '../results/policy-forms-schema.js';
import type { Summary } from '../results/summary-schema.js';
import { ALL_QUERIES, withSpread } from './baseline-ratio.js';
import { formatRatio } from './format-cell.js';
import { latencyCell, saturationReasons } from './headline-cells.js';
import { notMeasured } from './not-measured.js';
import { type Section, sectionOf, type Table } from './section.js';

const QUERIES = ['recent-orders', 'point-lookup', ALL_QUERIES] as const;

function resultOf(r: PolicyFormResult | undefined, query: string) {
  const w = r?.workload;
  return query === ALL_QUERIES ? w?.all : w?.queries[query];
}

/** A form's P50 against the baseline form's, "+x% [a, b]" or "no measurable difference (...)". */
function ratioCell(forms: PolicyFormsSummary['forms'], form: PolicyForm, base: PolicyForm, query: string) {
  if (form === base) return 'baseline';
  const r = ratioInterval(withSpread(resultOf(forms[form], query), 'p50Ms'), withSpread(resultOf(forms[base], query), 'p50Ms'));
  return r ? formatRatio(r) : notMeasured('no interval for this form or the baseline (too few requests or an invalid window)');
}

export function policyFormsSection(s: Summary): Section | null {
  const pf = s.policyForms;
  if (!pf) return null;
  const entries = Object.entries(pf.forms) as [PolicyForm, PolicyFormResult][];
  const latency: Table = {
    id: 'policy-forms',
    title: 'RLS policy forms: latency against the setting form',
    description:
      `The rls layout's tables under each policy form (src/layouts/rls/policy-forms.ts), the same rows (checksums unchanged) ` +
      `and the same open-loop load (${pf.ratePerS}/s) for every form, forms shuffled per repeat. P50 with its 95% interval; ` +
      `"vs ${pf.baseline}": the change of the P50 against the ${pf.baseline} form's, with the ratio's 95% interval.`,
    columns: [
      { key: 'form', label: 'form' },
      ...QUERIES.flatMap((q) => [
        { key: `${q}:p50`, label: `${q} P50`, unit: 'ms' },
        { key: `${q}:vs`, label: `${q} vs ${pf.baseline}` },
      ]),
      { key: 'p99', label: 'all P99', unit: 'ms' },
      { key: 'rows', label: 'rows unchanged' },
    ],
    rows: entries.map(([form, r]) => {
      const w = r.workload ?? undefined;
      const row: Record<string, string | number | null> = {
        form,
        p99: r.status === 'ok' ? cell(w, ALL_QUERIES, 'p99Ms') : notMeasured(r.reason ?? r.status),
        rows: r.checksumsUnchanged === null ? notMeasured('no checksum') : r.checksumsUnchanged ? 'yes' : 'NO',
      };
      for (const q of QUERIES) {
        row[`${q}:p50`] = r.status === 'ok' ? cell(w, q, 'p50Ms') : notMeasured(r.reason ?? r.status);
        row[`${q}:vs`] = r.status === 'ok' ? ratioCell(pf.forms, form, pf.baseline, q) : notMeasured(r.reason ?? r.status);
      }
      return row;
    }),
    notes: [
      'no-index: orders_created_at_idx rebuilt as (created_at DESC) without its leading tenant_id; the primary key (tenant_id, id) is unchanged, so the point lookup keeps its index.',
      'membership: tenant_id IN (SELECT tenant_id FROM memberships WHERE member = app.user); subquery: the volatile function wrapped as (SELECT f()).',
      ...entries.flatMap(([f, r]) => {
        const why = r.workload ? saturationReasons(r.workload) : [];
        return why.length ? [`${f}: not below saturation at ${pf.ratePerS}/s (${why.join(', ')}): its latency includes queueing`] : [];
      }),
    ],
  };
  const plans: Table = {
    id: 'policy-form-plans',
    title: 'RLS policy forms: plan shapes',
    description:
      "EXPLAIN (ANALYZE) as the application role in the largest tenant's context: the scan of orders, where tenant_id is tested " +
      '(index condition: the index seeks to the tenant; filter: every row read is tested), InitPlans (evaluated once) and SubPlans, ' +
      'and the median server execution time of the runs (no network, no client).',
    columns: [
      { key: 'form', label: 'form' },
      { key: 'query', label: 'query' },
      { key: 'tenant', label: 'tenant_id in' },
      { key: 'execution', label: 'execution', unit: 'ms', digits: 3 },
      { key: 'shape', label: 'plan shape' },
    ],
    rows: entries.flatMap(([form, r]) =>
      Object.entries(r.plans).map(([query, p]) => ({
        form,
        query,
        tenant: p.shape.tenantPredicate,
        execution: p.executionMs,
        shape: describeShape(p.shape),
      })),
    ),
    notes: entries.filter(([, r]) => !Object.keys(r.plans).length).map(([f, r]) => `${f}: ${notMeasured(r.reason ?? 'no plan read')}`),
  };
  return sectionOf([latency, plans]);
}

/** latencyCell of a query, or of the whole mix (`all`, keyed as ALL_QUERIES). */
function cell(w: PolicyFormResult['workload'] | undefined, query: string, k: 'p50Ms' | 'p99Ms') {
  const l = w ?? undefined;
  if (query !== ALL_QUERIES || !l?.all) return latencyCell(l, query, k);
  return latencyCell({ ...l, queries: { ...l.queries, [ALL_QUERIES]: l.all } }, ALL_QUERIES, k);
}
