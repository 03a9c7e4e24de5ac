import type { LayoutName, TenantChoice } from './scenario-schema.js';
import { LAYOUT_NAMES } from './scenario-schema.js';

/** The one place where scenario defaults live. */
export const scenarioDefaults = {
  seed: 42,
  sizes: { kind: 'uniform' } as const,
  layouts: [...LAYOUT_NAMES] as LayoutName[],
  schema: { rolePerTenant: false },
  /** 200 server connections for database-per-tenant: 1 for each of 100 tenants plus headroom. */
  database: { maxConnections: 200 },
  /** The largest 5% of tenants (at least 1) go to the dedicated tier. */
  hybrid: { dedicatedFraction: 0.05, placement: 'database' as 'schema' | 'database' },
  seeding: { concurrency: 2, templateCopy: true },
  /**
   * The pooler block (when a scenario has one): transaction mode, 4 server connections per
   * (database, user) pair, fewer than the workload's users so clients share them; the
   * session-level leak demonstration on.
   */
  pooler: { poolMode: 'transaction' as const, poolSize: 4, maxClientConn: 1000, sessionLevelDemo: true },
  workload: {
    /** Reads dominate, as in most SaaS back ends; one request in ten writes. */
    mix: { 'recent-orders': 40, 'point-lookup': 30, 'order-search': 10, 'order-report': 10, 'create-order': 10 } as Record<string, number>,
    mode: 'closed' as 'closed' | 'open',
    /** 50 virtual users, as in the seed article's test. */
    users: 50,
    thinkMs: 0,
    /** Open loop only; well below a 2-core machine's saturation (thousands per second). */
    ratePerS: 500,
    arrival: 'poisson' as 'fixed' | 'poisson',
    warmupSeconds: 10,
    durationSeconds: 60,
    repeats: 3,
    tenantChoice: { kind: 'uniform' } as TenantChoice,
    prepared: true,
    explicitTenantFilter: false,
    /** pgbench counts a transaction late against --latency-limit; 10 ms is a tight interactive budget. */
    lateMs: 10,
    maxBacklog: 100_000,
    /** A generator whose loop is 50 ms late at p99 timestamps its own delays, not the server's. */
    maxEventLoopLagMs: 50,
    intervalSeconds: 1,
    /** Long enough for a server restart (crash recovery on small data takes seconds), short enough not to spin for minutes. */
    maxOutageSeconds: 15,
    /** Heavy reports on 4 connections: enough to load 2 cores, few enough to leave the others connections. */
    noisyNeighbour: { users: 4, query: 'order-report' },
    /** Off unless asked for (`run --leak-probes`); one probe every 200 ms is a few per second, next to thousands of requests. */
    leakProbes: { enabled: false, everyMs: 200 },
    /** autocannon's default connection count; the duration defaults to the workload's. */
    http: { connections: 10 },
  },
  /** `rateSweep:` (capacity): fields not given in a scenario. */
  rateSweep: {
    /** Doubling from 100/s: each step's load is known within a factor of 2; `refine` narrows it. */
    rates: { start: 100, factor: 2, max: 102_400 } as { start: number; factor?: number; step?: number; max: number } | number[],
    /** An interactive budget: a page that waits 50 ms on its query at P99 is already sluggish. */
    p99TargetMs: 50,
    stepSeconds: 10,
    warmupSeconds: 3,
    /** 5% slack: Poisson arrivals over a 10 s window vary by about 1% at 1000/s; more than 5% short is a backlog. */
    minAchievedFraction: 0.95,
    /** One failed request in a thousand; any dropped request misses regardless. */
    maxErrorFraction: 0.001,
    stopAfterMisses: 1,
    refine: 0,
  },
};
