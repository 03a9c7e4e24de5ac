/**
 * The probe contract. A probe tries to cross the tenant boundary of one layout the way the
 * application connects (its router, its unprivileged role) and reports what the server did.
 * Every "blocked" rests on a positive control where one makes sense (the tenant's own row is
 * visible / writable in the same session), so a layout that denies everything is not mistaken
 * for one that isolates.
 */
import type { ConnectionConfig, DbClient } from '../db/types.js';
import type { ContextKind, LayoutContext, LayoutName, TenantRouter } from '../layouts/layout.js';
import type { TenantPlan, TenantTable } from '../../seed/tenant-plan.js';

/**
 * blocked: the boundary held (and the control worked); leaked: another tenant's data (or a
 * configuration that hands it out) was reached; finding: a documented weakness or a broken
 * behaviour that is not a cross-tenant read; not-applicable: the probe makes no sense here.
 */
export type ProbeOutcome = 'blocked' | 'leaked' | 'finding' | 'not-applicable';

export interface Observed {
  /** Rows of another tenant seen (reads) or returned. */
  rowsSeen?: number;
  /** Rows of another tenant written (updates, deletes, inserts). */
  rowsAffected?: number;
  sqlstate?: string;
  detail?: string;
}

export interface Observation {
  outcome: ProbeOutcome;
  /** The statements the probe ran, in order, with the values inlined or as $n placeholders. */
  sql: string[];
  expected: string;
  observed: Observed;
}

/** Where one layout keeps a tenant and how the application reaches it. */
export interface ProbeEnv {
  readonly layout: LayoutName;
  readonly ctx: LayoutContext;
  /** The application's router (sessions already scoped to a tenant). */
  readonly router: TenantRouter;
  /** A fresh router of the same kind with its own connections (the pool probe needs one connection). */
  newRouter(maxConnections: number): TenantRouter;
  /** The tenant the probes act as. */
  readonly self: TenantPlan;
  /** Another tenant in the same tier as `self` (its rows are the target). */
  readonly victim: TenantPlan;
  /** A tenant stored elsewhere (hybrid: the dedicated tier), or null when the layout has one tier. */
  readonly crossVictim: TenantPlan | null;
  /** Tables of `self` carry tenant_id (shared, rls, the pooled tier of hybrid). */
  readonly pooled: boolean;
  /** The application adds `tenant_id = $n` itself (shared): probes add it, as the application does. */
  readonly appFilter: boolean;
  /** The layout promises row level security for `self`. */
  readonly rls: boolean;
  /** How the context is carried: a setting (rls), search_path (schema), a database (database), or nothing. */
  readonly contextKind: ContextKind;
  /** The application's login for a tenant's rows (raw connection, no context applied): database + role. */
  login(t: TenantPlan, database?: string): ConnectionConfig;
  /** The database that holds a tenant's rows. */
  databaseOf(t: TenantPlan): string;
  /** The schema that holds a tenant's tables. */
  schemaOf(t: TenantPlan): string;
  /** The role the application uses for a tenant (login role, or the per-tenant role it switches to). */
  roleOf(t: TenantPlan): string;
  /**
   * Under load (`run --leak-probes`): the workload inserts rows with ids above every planned id, and
   * where a table has no tenant_id (schema, database) such a row's owner cannot be told from its
   * id. Those rows are then not counted as foreign (seeded rows of other tenants still are).
   */
  readonly ignoreUnplannedIds?: boolean;
  /** Admin connection to a database, for scratch objects and fixtures only. */
  admin<T>(database: string, fn: (c: DbClient) => Promise<T>): Promise<T>;
}

export interface Probe {
  readonly id: string;
  readonly description: string;
  appliesTo(env: ProbeEnv): boolean;
  run(env: ProbeEnv): Promise<Observation>;
}

/** The slug of the tenant that owns a row, from tenant_id (pooled tables) or the id ranges of the plan. */
export function ownerOf(ctx: LayoutContext, table: TenantTable, row: { id?: unknown; tenant_id?: unknown }): string {
  if (typeof row.tenant_id === 'string') {
    return ctx.plan.tenants.find((t) => t.id === row.tenant_id)?.slug ?? `unknown:${row.tenant_id}`;
  }
  const id = Number(row.id);
  // ids are unique across tenants: each tenant holds [idStart, idStart + count) of every table.
  const t = ctx.plan.tenants.find((x) => id >= x.idStart[table] && id < x.idStart[table] + x.counts[table]);
  return t?.slug ?? `unknown-id:${id}`;
}

/** Rows among `rows` that do not belong to `self`. */
export function foreignRows(env: ProbeEnv, table: TenantTable, rows: readonly { id?: unknown; tenant_id?: unknown }[]): number {
  return rows.filter((r) => {
    const owner = ownerOf(env.ctx, table, r);
    if (env.ignoreUnplannedIds && owner.startsWith('unknown-id:') && Number(r.id) > maxPlannedId(env.ctx, table)) return false;
    return owner !== env.self.slug;
  }).length;
}

/**
 * Counts, on the server, the rows of a pooled relation (one with a `tenant_id` column, uuid or text)
 * that belong to another tenant than `$1` (pass `env.self.id`). For probes that read whole tables:
 * fetching millions of rows into the harness only to classify them dominated `verify` at 10M rows.
 * Same verdict as `foreignRows` on pooled rows (an unknown tenant_id is foreign too).
 */
export function foreignCountSql(relation: string): string {
  return `SELECT count(*) AS n FROM ${relation} WHERE tenant_id::text IS DISTINCT FROM $1`;
}

/** The count a `foreignCountSql` query returned (0 when the attempt failed: nothing was seen). */
export function foreignCount(r: { ok?: boolean; rows?: readonly { n?: unknown }[] }): number {
  return r.ok === false ? 0 : Number(r.rows?.[0]?.n ?? 0);
}

/** The highest id the plan gives any tenant in `table`. */
export function maxPlannedId(ctx: LayoutContext, table: TenantTable): number {
  return Math.max(...ctx.plan.tenants.map((t) => t.idStart[table] + t.counts[table] - 1));
}

/** Columns that identify a row's owner: id, plus tenant_id where the table has it. */
export function ownerCols(pooled: boolean, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return pooled ? `${a}id, ${a}tenant_id::text AS tenant_id` : `${a}id`;
}

/** Said of the shared layout: it has no database-side guard, by design (the baseline). */
export const SHARED_BASELINE =
  "documented: the shared layout has no database-side guard (the baseline); only the application's tenant_id filter and the tenant_id it writes keep tenants apart";
