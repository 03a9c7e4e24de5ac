/**
 * The contract every isolation layout implements: a lifecycle object (seed, checksums, sizes,
 * destroy), a separate hot-path router that hands out sessions already scoped to a tenant, and
 * the answers to "where does this tenant live, how is it scoped" (locate, tiers, table units,
 * connection cap, session-level context, extraction) that callers ask instead of testing names.
 */
import type { QueryConfig, QueryResult, Row } from '../db/types.js';
import type { ResolvedScenario } from '../config/load-scenario.js';
import type { LayoutName } from './layout-names.js';
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

/**
 * How the router obtained a session's connection: an idle one of its own (`reused`), a new one
 * (`connected`), either after queueing in the router for a connection (its global cap, or the
 * tenant's bound). What is left of the acquire phase is BEGIN + the tenant context's round trip.
 */
export type AcquisitionKind = 'reused' | 'connected' | 'waited-then-reused' | 'waited-then-connected';

export interface Acquisition {
  readonly kind: AcquisitionKind;
  /** Time queued in the router for a connection, ms; 0 when it did not wait. */
  readonly waitMs: number;
  /**
   * Time opening a new connection, ms (closing the idle one evicted to make room at the cap, TCP,
   * authentication, startup, a session-level context); 0 when an idle connection was reused.
   */
  readonly connectMs: number;
}

/** A transaction scoped to one tenant. */
export interface TenantSession {
  readonly tenant: TenantPlan;
  /** How the router obtained the connection; absent when a router does not say (test doubles). */
  readonly acquisition?: Acquisition;
  /** True when the application must add `tenant_id = $n` itself (the shared baseline, pooled tables). */
  readonly needsTenantFilter: boolean;
  /** SQL text with values, or a QueryConfig (`{ name, text, values }` = a named prepared statement). */
  query<R extends Row = Row>(text: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>>;
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
  /** Idle connections closed to make room at the cap (least recently used first); absent = never evicts. */
  evicted?: number;
}

export interface TenantRouter {
  /**
   * Requests waiting in the router's queue now, where every tenant queues for the same connections
   * (one pool): a backend idle on the server while requests wait is then the client's hand-over,
   * never another tenant's unused bound. Absent behind per-tenant (or per-tier) pools.
   */
  waiting?(): number;
  acquire(tenant: TenantPlan): Promise<TenantSession>;
  stats(): RouterStats;
  close(): Promise<void>;
}

/**
 * How a session is scoped to a tenant: a transaction-local setting read by RLS policies, the
 * search_path, a per-tenant login role (the connection itself belongs to the tenant, with the
 * search_path naming its schema), the database itself, or nothing (the application filters by
 * tenant_id).
 */
export type ContextKind = 'setting' | 'search_path' | 'role' | 'database' | 'none';

/** Where one tenant's rows live and how the application reaches them (names as on the server). */
export interface TenantLocation {
  /** The database holding the tenant's tables. */
  readonly database: string;
  /** The schema holding the tenant's tables. */
  readonly schema: string;
  /** The role the application logs in as for this tenant. */
  readonly loginRole: string;
  /** The role the tenant's statements run as: the login role, or the per-tenant role it switches to. */
  readonly tenantRole: string;
  /** The tables are shared with other tenants and carry tenant_id (inserts must fill it). */
  readonly pooled: boolean;
  /** The application adds `tenant_id = $n` itself (the shared baseline). */
  readonly appFilter: boolean;
  /** Row level security guards the tenant's rows. */
  readonly rls: boolean;
  readonly context: ContextKind;
  /** Key of the table unit holding the tenant (see `TableUnit.key`). */
  readonly unit: string;
}

/**
 * Where a layout keeps its tables, as the units an operation loops over: the pooled database once
 * (shared, rls, the pooled part of hybrid), or one unit per tenant (its schema, or its database).
 * Migrations keep their version table in each unit; backups and sizes address tenants through it.
 */
export interface TableUnit {
  /** `pooled` for shared tables, else the tenant slug. */
  key: string;
  db: string;
  /** Schema holding the tables (and the unit's migration version table). */
  schema: string;
  /** Shared tables with tenant_id (one unit holds many tenants). */
  pooled: boolean;
  /** Tenants whose rows live in this unit. */
  tenants: readonly TenantPlan[];
  /** Role the application uses for this unit, when it is subject to RLS (pooled rls/hybrid). */
  rlsRole: string | null;
}

/** Tenants stored alike (one tier in most layouts; the hybrid has a dedicated and a pooled tier). */
export interface TenantTier {
  /** The tier's tables are pooled (carry tenant_id). */
  readonly pooled: boolean;
  /** In plan order. */
  readonly tenants: readonly TenantPlan[];
}

/**
 * The session-level (is_local = false) variant of a layout's context: one connection per tenant,
 * its context set once after connecting, as the tenant's `loginRole` on `database`.
 */
export interface SessionLevelContext {
  readonly database: string;
  /** The role a tenant's connections log in as (one for every tenant, or a login role per tenant). */
  loginRole(t: TenantPlan): string;
  /** Session-level statement(s) that set a tenant's context, run once per connection. */
  sql(t: TenantPlan): string;
}

/** Pooled tenants the extraction operation may move out of shared tables, and where to. */
export interface PooledExtraction {
  /** The pooled database the rows are in. */
  readonly sourceDb: string;
  /** Label of the source for the summary. */
  readonly from: string;
  /** Where a moved tenant goes, in the order the moves run. */
  readonly to: readonly ('schema' | 'database')[];
  readonly tenants: readonly TenantPlan[];
}

/**
 * A layout answers every "where does this tenant live / how is it scoped" question itself; callers
 * never test its name (Kysely's dialect/adapter split: ask the adapter).
 */
export interface Layout {
  readonly name: LayoutName;
  readonly description: string;
  /**
   * Where each tenant lives. Build once per context, then ask per tenant: the answer is cheap
   * (memoised), so the measured loop may call it per request.
   */
  locate(ctx: LayoutContext): (t: TenantPlan) => TenantLocation;
  /** The tenants grouped by how they are stored (every tenant in exactly one tier). */
  tiers(ctx: LayoutContext): TenantTier[];
  /** The units operations loop over (migrations, backups, sizes). */
  tableUnits(ctx: LayoutContext): TableUnit[];
  /**
   * The most server connections the router opens per database under the layout's own cap
   * (layoutOptions), or null when the caller's pool size (RouterOptions) is the only limit.
   */
  connectionCap(scenario: ResolvedScenario): number | null;
  /** The session-level variant of the context, or the reason the layout has none. */
  sessionLevelContext(ctx: LayoutContext): SessionLevelContext | { reason: string };
  /** Pooled tenants the extraction operation moves out, or null when the layout has none to move. */
  extraction(ctx: LayoutContext): PooledExtraction | null;
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
