import { z } from 'zod';
import { LAYOUT_NAMES } from '../config/scenario-schema.js';

/**
 * summary.json `isolation`: what `verify` found per layout (every probe with its SQL, expected and
 * observed outcome), and the self-test of the verifier against deliberately broken variants.
 */
export const OUTCOMES = ['blocked', 'leaked', 'finding', 'not-applicable'] as const;

const count = z.number().int().nonnegative();

export const probeResultSchema = z.object({
  id: z.string(),
  description: z.string(),
  outcome: z
    .enum(OUTCOMES)
    .describe(
      'blocked: boundary held (with a working own-tenant control); leaked: another tenant reached; finding: documented weakness or broken behaviour; not-applicable',
    ),
  expected: z.string(),
  observed: z.object({
    rowsSeen: count.optional().describe('rows of other tenants read'),
    rowsAffected: count.optional().describe('rows of other tenants written'),
    sqlstate: z.string().optional(),
    detail: z.string().optional(),
  }),
  sql: z.array(z.string()).describe('statements the probe ran, parameters in a trailing comment'),
});

const countsShape = { blocked: count, leaked: count, findings: count, notApplicable: count };

export const layoutIsolationSchema = z.object({
  status: z.enum(['ok', 'failed']),
  reason: z.string().nullable(),
  self: z.string().nullable().describe('tenant slug the probes acted as'),
  victim: z.string().nullable().describe('tenant slug whose rows were the target'),
  probes: z.array(probeResultSchema),
  ...countsShape,
});

export const selfTestSchema = z.object({
  allFlagged: z.boolean().describe('every broken variant flagged and no healthy baseline leaked; false = a verifier bug'),
  baselines: z.array(
    z.object({ layout: z.enum(LAYOUT_NAMES), rolePerTenant: z.boolean(), probes: z.array(probeResultSchema), ...countsShape }),
  ),
  variants: z.array(
    z.object({
      id: z.string(),
      layout: z.enum(LAYOUT_NAMES),
      description: z.string(),
      flagged: z.boolean(),
      flaggedBy: z.array(z.object({ probe: z.string(), outcome: z.enum(OUTCOMES), detail: z.string().nullable() })),
      probes: z.array(probeResultSchema),
      ...countsShape,
    }),
  ),
});

export const isolationSchema = z.object({
  layouts: z.partialRecord(z.enum(LAYOUT_NAMES), layoutIsolationSchema),
  blocked: count,
  leaked: count,
  findings: count,
  selfTest: selfTestSchema.nullable().describe('null unless verify --self-test ran'),
});

export type IsolationSummary = z.infer<typeof isolationSchema>;
export type LayoutIsolation = z.infer<typeof layoutIsolationSchema>;
