import { z } from 'zod';
import { POLICY_FORMS } from '../layouts/rls/policy-form-names.js';
import { layoutWorkloadSchema } from './workload-schema.js';

const formSchema = z.enum(POLICY_FORMS);

export const planShapeSchema = z.object({
  scan: z.string().nullable().describe("the scan node of the policy's table (orders), as EXPLAIN printed it"),
  tenantPredicate: z.enum(['index-cond', 'filter', 'none']).describe('where tenant_id is tested on that scan'),
  indexCond: z.string().nullable(),
  filter: z.string().nullable(),
  initPlans: z.number().int().describe('subqueries evaluated once per execution'),
  subPlans: z.number().int().describe('subqueries evaluated per row or group'),
  hashedSubPlan: z.boolean(),
});

export const queryPlanSchema = z.object({
  shape: planShapeSchema,
  plan: z.array(z.string()).describe('EXPLAIN (ANALYZE) text, as the application role in a tenant context'),
  executionMs: z.number().nullable().describe('median server execution time of the EXPLAIN ANALYZE runs, ms'),
  runs: z.number().int(),
});

export const policyFormResultSchema = z.object({
  status: z.enum(['ok', 'failed', 'not-run']),
  reason: z.string().nullable(),
  applySeconds: z.array(z.number()).describe('seconds to take the tables to this form, each time it was applied'),
  checksumsUnchanged: z.boolean().nullable().describe('per-tenant checksums after the first application equal the seeded ones'),
  plans: z.record(z.string(), queryPlanSchema).describe('per query name (recent-orders, point-lookup)'),
  workload: layoutWorkloadSchema.nullable(),
});

export const policyFormsSummarySchema = z
  .object({
    layout: z.literal('rls'),
    ratePerS: z.number().describe('the offered open-loop rate every form was measured at'),
    baseline: formSchema,
    order: z.array(z.array(formSchema)).describe('the forms of each repeat, in the order they ran (shuffled per repeat)'),
    restored: formSchema.nullable().describe("the scenario's own form, put back at the end; null when that failed"),
    forms: z.partialRecord(formSchema, policyFormResultSchema),
  })
  .describe('the rls layout under each RLS policy form on the same rows (policyForms: in the scenario)');

export type PolicyFormsSummary = z.infer<typeof policyFormsSummarySchema>;
export type PolicyFormResult = z.infer<typeof policyFormResultSchema>;
export type QueryPlan = z.infer<typeof queryPlanSchema>;
