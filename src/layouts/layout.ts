/**
 * The contract every isolation layout implements: a lifecycle object (seed, checksums, sizes,
 * destroy) and a separate hot-path router that hands out sessions already scoped to a tenant.
 */
import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { ResolvedScenario } from '../config/load-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { Pools } from '../../seed/pools.js';
import type { DatasetPlan, TenantPlan, TenantTable } from '../../seed/tenant-plan.js';
import type { Target } from '../target/target.js';

export type { LayoutName };

/** Names of databases and roles, all under one prefix so several runs can share a server. */
export interface Naming {
  prefix: string;
  db(suffix: string): string;
  role(suffix: string): string;
  /** Password of a role the harness created, derived from the admin secret (never stored). */
  password(role: string): string;
}

export interface SeedProgress {
  phase(layout: LayoutName, phase: string): void;
  rows(layout: LayoutName, n: number): void;
}

export interface LayoutContext {
  readonly target: Target;
  readonly scenario: ResolvedScenario;
  readonly plan: DatasetPlan;
  readonly pools: Pools;
  readonly naming: Naming;
  readonly progress: SeedProgress;
  /** Layouts already seeded in this run (the rls layout may copy the shared database). */
  readonly seeded: ReadonlySet<LayoutName>;
  readonly serverVersionNum: number;
}

/** Seconds per seeding phase; null = the phase did not happen in this layout. */
export interface SeedTimings {
  provision: number;
  load: number;
  index: number;
  analyze: number;
  total: number;
}

export interface SeedResult {
  /** How the rows got there: generated and streamed with COPY, or copied by the server from another layout. */
  method: 'generator-copy' | 'template-copy';
  copiedFrom?: LayoutName;
  timings: SeedTimings;
}

/** Row count and order-independent 64-bit hash sum, per table, for one tenant. */
export type TableChecksums = Record<TenantTable, { rows: number; hash: string }>;

export interface LayoutSizes {
  tableBytes: number;
  indexBytes: number;
  toastBytes: number;
  databaseBytes: number;
  databases: number;
  /** Relations (tables, indexes, toast, sequences, types' arrays excluded) in the layout's namespaces. */
  relations: number;
}

export interface RouterOptions {
  /** Connections for pooled layouts; the per-tenant-database layout uses its own global cap. */
  maxConnections?: number;
}

/** A transaction scoped to one tenant. */
export interface TenantSession {
  readonly tenant: TenantPlan;
  /** True when the application must add `tenant_id = $n` itself (the shared baseline, pooled tables). */
  readonly needsTenantFilter: boolean;
  /** SQL text with values, or a pg QueryConfig (`{ name, text, values }` = a named prepared statement). */
  query<R extends QueryResultRow = QueryResultRow>(text: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>>;
  /** COMMIT (or ROLLBACK when err is given) and give the connection back; an error discards it. */
  release(err?: unknown): Promise<void>;
}

export interface RouterStats {
  /** Server connections open now. */
  open: number;
  /** Highest number of server connections open at once. */
  peakOpen: number;
  opened: number;
  closed: number;
  /** acquire() calls that had to wait for a connection. */
  waits: number;
}

export interface TenantRouter {
  acquire(tenant: TenantPlan): Promise<TenantSession>;
  stats(): RouterStats;
  close(): Promise<void>;
}

export interface Layout {
  readonly name: LayoutName;
  readonly description: string;
  /** Databases this layout owns. */
  databases(ctx: LayoutContext): string[];
  /** Drop anything left from an earlier run, create databases/roles/tables, load, index, analyze. */
  seed(ctx: LayoutContext): Promise<SeedResult>;
  /** Per-tenant checksums computed by the server from the loaded rows, keyed by tenant slug. */
  checksums(ctx: LayoutContext): Promise<Map<string, TableChecksums>>;
  sizes(ctx: LayoutContext): Promise<LayoutSizes>;
  router(ctx: LayoutContext, opts?: RouterOptions): TenantRouter;
  /** Drop the layout's databases and roles. */
  destroy(ctx: LayoutContext): Promise<void>;
}
