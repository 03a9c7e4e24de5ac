import { createHash } from 'node:crypto';
import type { QueryConfig } from '../db/types.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import type { CustomQueries } from './custom-query.js';
import { queryNamed } from './query-registry.js';
import type { SqlShape, WorkloadQuery } from './workload-query.js';

export interface Statement {
  readonly text: string;
  /** Named statement (prepared once per connection by node-postgres), or null = unnamed. */
  readonly name: string | null;
  readonly tenantParam: boolean;
}

export interface MixQuery {
  readonly index: number;
  /** A built-in query's name (query-names.ts) or one the scenario declares. */
  readonly name: string;
  readonly query: WorkloadQuery;
  /**
   * Statement for a shape and tenant, built once. Tables without tenant_id (a schema or database
   * per tenant) get a statement name per tenant: their enum types are per schema, so a plan
   * prepared for one tenant's schema and reused on the same connection for another fails
   * (0A000 "cached plan must not change result type", 42883 for an enum parameter).
   */
  statement(shape: SqlShape, tenant: TenantPlan): Statement;
  /** The SQL texts built so far (one per shape used): how the server's statistics name this query. */
  texts(): string[];
}

/**
 * The scenario's weighted mix, compiled once: a cumulative table to pick a query from one random
 * number, and the statement text of each query per shape, so the hot path allocates no SQL.
 */
export class CompiledMix {
  readonly queries: MixQuery[];
  private readonly cumulative: number[];

  /** `custom`: the scenario's declared queries (customQueriesOf(scenario)), which the mix may name beside the built-in ones. */
  constructor(mix: Readonly<Record<string, number>>, prepared: boolean, custom?: CustomQueries) {
    const entries = Object.entries(mix).filter(([, w]) => w > 0);
    if (!entries.length) throw new Error('the mix has no query with a weight > 0');
    const total = entries.reduce((a, [, w]) => a + w, 0);
    let acc = 0;
    this.cumulative = entries.map(([, w]) => (acc += w / total));
    this.queries = entries.map(([name], index) => {
      const query: WorkloadQuery | undefined = queryNamed(name, custom);
      if (!query) throw new Error(`unknown query ${name}`);
      const cache = new Map<number, Statement>();
      const perTenant = new Map<string, Statement>();
      return {
        index,
        name,
        query,
        statement(shape: SqlShape, tenant: TenantPlan): Statement {
          const key = (shape.tenantFilter ? 1 : 0) | (shape.tenantColumn ? 2 : 0);
          let st = cache.get(key);
          if (!st) {
            const { text, tenantParam } = query.sql(shape);
            // The name is derived from the text: node-postgres refuses one name for two texts on a connection.
            const stmtName = prepared
              ? `tb_${name.replace(/-/g, '_')}_${createHash('sha1').update(text).digest('hex').slice(0, 10)}`
              : null;
            st = { text, name: stmtName, tenantParam };
            cache.set(key, st);
          }
          if (st.name === null || shape.tenantColumn) return st;
          let own = perTenant.get(tenant.slug);
          if (!own) {
            own = { ...st, name: `${st.name}_${tenant.slug}` };
            perTenant.set(tenant.slug, own);
          }
          return own;
        },
        texts: () => [...new Set([...cache.values()].map((st) => st.text))],
      };
    });
  }

  pick(r: number): MixQuery {
    const c = this.cumulative;
    for (let i = 0; i < c.length; i++) if (r < c[i]!) return this.queries[i]!;
    return this.queries[this.queries.length - 1]!;
  }

  get writes(): boolean {
    return this.queries.some((q) => q.query.writes);
  }
}

/** The QueryConfig for one request: values drawn before the session, the tenant id appended when the statement takes it. */
export function queryConfig(st: Statement, tenant: TenantPlan, values: unknown[]): QueryConfig {
  if (st.tenantParam) values.push(tenant.id);
  return st.name ? { name: st.name, text: st.text, values } : { text: st.text, values };
}
