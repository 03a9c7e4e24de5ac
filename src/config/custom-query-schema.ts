/**
 * Scenario-declared workload queries (`queries:`): the file format and its checks beyond types.
 * The SQL is written once for one tenant; `{{tenant <alias>}}` marks where the shared baseline adds
 * `<alias>.tenant_id = $n` (custom-query-template.ts). Compiled into workload queries by
 * src/workload/custom-query.ts; checked against the seeded server by custom-query-check.ts.
 */
import { z } from 'zod';
import { TABLES } from '../../seed/dataset.js';
import { TENANT_TABLES } from '../../seed/tenant-plan.js';
import type { Problem } from './problem.js';
import { QUERY_NAMES } from './query-names.js';
import { analyseTemplate } from './custom-query-template.js';

const tenantTable = z.enum(TENANT_TABLES);

/** The parameter vocabulary: each value is drawn per request from the tenant's own data or a declared range. */
const paramSchema = z.discriminatedUnion('kind', [
  /** One of the tenant's own ids of a table (ids are contiguous per tenant). */
  z.object({ kind: z.literal('own-id'), table: tenantTable }).strict(),
  /** A timestamp uniform over the data's range, [2024-01-01, 2026-01-01) UTC, as ISO 8601 text. */
  z.object({ kind: z.literal('timestamp') }).strict(),
  /** An integer uniform in [min, max]. */
  z.object({ kind: z.literal('int-range'), min: z.number().int(), max: z.number().int() }).strict(),
  /** One of the listed values, uniformly. */
  z
    .object({
      kind: z.literal('pick'),
      values: z
        .array(z.union([z.string(), z.number()]))
        .min(1)
        .max(1000),
    })
    .strict(),
  /** A column's value in one of the tenant's own rows of a table (computed from the deterministic generator). */
  z.object({ kind: z.literal('own-row'), table: tenantTable, column: z.string() }).strict(),
]);

export const customQuerySchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and "-", starting with a letter'),
    description: z.string().default(''),
    /** One tenant's SQL: unqualified tables, no tenant_id, `{{tenant <alias>}}` per tenant-table alias, $1..$n for `params`. */
    sql: z.string().min(1),
    /** Refused when true (see customQueryProblems): the harness could not restore the seeded rows. */
    writes: z.boolean().default(false),
    params: z
      .array(paramSchema)
      .max(50)
      .default(() => []),
  })
  .strict();

export const customQueriesSchema = z.array(customQuerySchema).max(50);

export type CustomQuerySpec = z.output<typeof customQuerySchema>;
export type CustomParam = z.output<typeof paramSchema>;

/** Why `writes: true` is refused (also in the README). */
export const WRITES_REFUSED =
  'custom queries must be read-only: after a writing segment the harness restores the seeded rows by deleting the ' +
  'ids it handed out to create-order, which a custom INSERT, UPDATE or DELETE does not go through, so every later ' +
  'segment and the per-tenant checksums would see changed data';

/** The first problem with the declared queries beyond their types (paths from the scenario's root). */
export function customQueryProblem(queries: readonly CustomQuerySpec[]): Problem | undefined {
  const seen = new Set<string>();
  for (const [i, q] of queries.entries()) {
    const at = (...p: (string | number)[]): (string | number)[] => ['queries', i, ...p];
    if ((QUERY_NAMES as readonly string[]).includes(q.name))
      return { path: at('name'), message: `"${q.name}" is a built-in query (${QUERY_NAMES.join(', ')}); choose another name` };
    if (seen.has(q.name)) return { path: at('name'), message: `"${q.name}" is declared twice` };
    seen.add(q.name);
    if (q.writes) return { path: at('writes'), message: WRITES_REFUSED };
    for (const [k, p] of q.params.entries()) {
      if (p.kind === 'int-range' && p.min > p.max) return { path: at('params', k, 'max'), message: `${p.max} is below min ${p.min}` };
      if (p.kind === 'own-row') {
        const cols = TABLES.find((t) => t.name === p.table)!.columns.map((c) => c.name);
        if (!cols.includes(p.column))
          return { path: at('params', k, 'column'), message: `"${p.column}" is not a column of ${p.table}; allowed: ${cols.join(', ')}` };
      }
    }
    const t = analyseTemplate(q.sql);
    if (t.problem) return { path: at('sql'), message: t.problem };
    if (t.placeholders !== q.params.length)
      return {
        path: at('params'),
        message: `the SQL uses ${t.placeholders ? `$1..$${t.placeholders}` : 'no parameter'} but ${q.params.length} params are declared (one per placeholder, in order)`,
      };
  }
  return undefined;
}
