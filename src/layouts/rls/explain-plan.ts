import type { TenantSession } from '../layout.js';
import { planShape } from './plan-shape.js';
import type { PlanShape } from './plan-shape.js';

export interface ExplainedQuery {
  shape: PlanShape;
  plan: string[];
  /** Median of the runs' "Execution Time", ms (server side: no network, no client). */
  executionMs: number | null;
  runs: number;
}

/**
 * EXPLAIN (ANALYZE) of one query in a session already scoped to a tenant (the application's role
 * and context, so the policy applies as in the workload), `runs` times: the shape of the scan of
 * `table` from the last plan, and the median execution time. Reads only (the callers' queries
 * do not write); a caller may set planner options in the session first.
 */
export async function explainQuery(s: TenantSession, text: string, values: unknown[], table: string, runs = 5): Promise<ExplainedQuery> {
  const times: number[] = [];
  let plan: string[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await s.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
    plan = r.rows.map((x) => x['QUERY PLAN']);
    const t = plan.map((l) => /Execution Time: ([\d.]+) ms/.exec(l)).find(Boolean);
    if (t) times.push(Number(t[1]));
  }
  times.sort((a, b) => a - b);
  return { shape: planShape(plan, table), plan, executionMs: times.length ? times[Math.floor(times.length / 2)]! : null, runs };
}
