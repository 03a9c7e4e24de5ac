/**
 * The plan shape of one query, read from EXPLAIN's text output: how the scan of the policy's table
 * finds the tenant's rows (an index condition, a filter evaluated per row, a filter through a
 * subplan) and whether the planner evaluated a subquery once (InitPlan) or per row/group (SubPlan).
 * Pure: the EXPLAIN text is read by the policy-forms stage and recorded; the report reads the record.
 */

export type TenantPredicate = 'index-cond' | 'filter' | 'none';

export interface PlanShape {
  /** The scan node of the table (e.g. "Index Scan using orders_created_at_idx on orders o"), or null when absent. */
  scan: string | null;
  /** Where tenant_id is tested on that scan: in the index condition, as a per-row filter (also through a SubPlan), or not at all. */
  tenantPredicate: TenantPredicate;
  /** That scan's Index Cond (or a bitmap scan's Recheck Cond) and Filter, as EXPLAIN printed them. */
  indexCond: string | null;
  filter: string | null;
  /** Subqueries evaluated once per execution (InitPlan) and per row or group (SubPlan); hashed: the SubPlan builds a hash once. */
  initPlans: number;
  subPlans: number;
  hashedSubPlan: boolean;
}

interface Node {
  name: string;
  attrs: Map<string, string>;
}

const NODE = /^\s*(?:->\s+)?(.+?)\s+\(cost=/;
const ATTR = /^\s*([A-Z][A-Za-z ]+):\s+(.*)$/;

/** The shape of the first scan of `table` in a plan (EXPLAIN text, one line per element or joined by \n). */
export function planShape(explain: string | readonly string[], table: string): PlanShape {
  const lines = typeof explain === 'string' ? explain.split('\n') : explain;
  const nodes: Node[] = [];
  let initPlans = 0;
  let subPlans = 0;
  for (const line of lines) {
    if (/^\s*InitPlan \d+/.test(line)) initPlans++;
    else if (/^\s*SubPlan \d+/.test(line)) subPlans++;
    const n = NODE.exec(line);
    if (n) {
      nodes.push({ name: n[1]!, attrs: new Map() });
      continue;
    }
    const a = ATTR.exec(line);
    const last = nodes[nodes.length - 1];
    if (a && last && !last.attrs.has(a[1]!)) last.attrs.set(a[1]!, a[2]!);
  }
  const on = new RegExp(`\\bon (?:\\w+\\.)?${table}\\b`);
  const i = nodes.findIndex((n) => on.test(n.name) && /Scan/.test(n.name));
  const scan = nodes[i] ?? null;
  // A bitmap heap scan's index condition is its Bitmap Index Scan child's (the next node).
  const child = scan && /^Bitmap Heap Scan/.test(scan.name) ? nodes[i + 1] : undefined;
  const indexCond = scan?.attrs.get('Index Cond') ?? child?.attrs.get('Index Cond') ?? scan?.attrs.get('Recheck Cond') ?? null;
  const filter = scan?.attrs.get('Filter') ?? null;
  // A policy through a subquery (`tenant_id IN (SELECT ...)`) shows as `(hashed SubPlan n)` in the filter.
  const tenantPredicate: TenantPredicate = indexCond?.includes('tenant_id')
    ? 'index-cond'
    : filter && /tenant_id|SubPlan/.test(filter)
      ? 'filter'
      : 'none';
  return {
    scan: scan?.name ?? null,
    tenantPredicate,
    indexCond,
    filter,
    initPlans,
    subPlans,
    hashedSubPlan: lines.some((l) => /hashed SubPlan/.test(l)),
  };
}

/** One line for the report: "Index Scan using x on orders o; Index Cond: (...); InitPlan". */
export function describeShape(s: PlanShape): string {
  if (!s.scan) return 'no scan of the table in the plan';
  const parts = [s.scan];
  if (s.indexCond) parts.push(`Index Cond: ${s.indexCond}`);
  if (s.filter) parts.push(`Filter: ${s.filter}`);
  if (s.initPlans) parts.push(`InitPlan x${s.initPlans}`);
  if (s.subPlans) parts.push(`${s.hashedSubPlan ? 'hashed ' : ''}SubPlan x${s.subPlans}`);
  return parts.join('; ');
}
