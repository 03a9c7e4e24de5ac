import { performance } from 'node:perf_hooks';
import type { Acquisition, TenantRouter, TenantSession } from '../layouts/layout.js';
import type { TenantPlan } from '../../seed/tenant-plan.js';
import { sqlState } from '../errors.js';
import type { MixQuery } from './compiled-mix.js';
import { queryConfig } from './compiled-mix.js';

/** Error label when there is no SQLSTATE: the connection broke (terminated backend, restart, network). */
export const CONNECTION_ERROR = 'connection';
/** Error label for anything else without a SQLSTATE (a client-side failure). */
export const CLIENT_ERROR = 'client';

export interface RequestOutcome {
  /** null = ok; else the SQLSTATE, or `connection` / `client`. */
  error: string | null;
  /** performance.now() when the request was handed to the router (the acquire began). */
  startAt: number;
  /** performance.now() when the tenant-scoped session was in hand (null if acquiring failed). */
  acquiredAt: number | null;
  /** performance.now() when the query's result was in (null if it did not get that far). */
  queryDoneAt: number | null;
  /** performance.now() at the end (COMMIT done, or the failure seen). */
  endAt: number;
  /** How the router obtained the connection (successful requests; absent when the router does not say). */
  acquisition?: Acquisition | undefined;
  /** The rows as JSON, only when asked for (the HTTP service). */
  body?: string;
}

export interface RequestOptions {
  router: TenantRouter;
  prepared: boolean;
  explicitTenantFilter: boolean;
  tenantColumn: (t: TenantPlan) => boolean;
}

/**
 * The measured requests read no row: column values stay the wire's text (no Date, number or JSON
 * parsing) in arrays, not one object per row. Every row is still received and split into columns,
 * as pgbench does. Measured (node --cpu-prof, closed loop, recent-orders' 20 rows): parsing
 * timestamps (postgres-date) and building row objects took ~17% of the generator's busy CPU, and
 * the garbage they made most of its 20% in GC. Only the HTTP service (`wantRows`) parses rows.
 */
const asText = (text: string) => text;
/**
 * One parser for every column: node-postgres asks for a column's parser on every result (its row
 * description comes with each execution), so a parser made per call was a closure per column per
 * request (node --cpu-prof, closed loop: garbage collection 26% of the generator's busy CPU).
 */
const UNPARSED_ROWS = { rowMode: 'array', types: { getTypeParser: () => asText } } as const;

function label(err: unknown): string {
  const state = sqlState(err);
  if (state) return state;
  const msg = err instanceof Error ? err.message : String(err);
  return /terminat|ECONNRE|EPIPE|connect|closed|ended/i.test(msg) ? CONNECTION_ERROR : CLIENT_ERROR;
}

/** An error that leaves the connection usable: reported by the server, not a connection or shutdown class. */
function connectionSurvives(state: string | null): boolean {
  return state !== null && !state.startsWith('08') && !state.startsWith('57') && !state.startsWith('XX');
}

/**
 * One request (its parameters drawn beforehand, so their sequence does not depend on timing):
 * acquire a session for the tenant (BEGIN + tenant context), run the query, COMMIT.
 * Never throws: the outcome says ok or which error (the measured loop records, it does not stop).
 * A server-reported error rolls back and keeps the connection (COMMIT of an aborted transaction is
 * a rollback); a broken connection is discarded with release(err), and the router opens a new one.
 */
export async function executeRequest(
  o: RequestOptions,
  tenant: TenantPlan,
  q: MixQuery,
  values: unknown[],
  wantRows = false,
): Promise<RequestOutcome> {
  const startAt = performance.now();
  let session: TenantSession;
  try {
    session = await o.router.acquire(tenant);
  } catch (err) {
    return { error: label(err), startAt, acquiredAt: null, queryDoneAt: null, endAt: performance.now() };
  }
  const acquiredAt = performance.now();
  const tc = o.tenantColumn(tenant);
  const st = q.statement({ tenantFilter: session.needsTenantFilter || (o.explicitTenantFilter && tc), tenantColumn: tc }, tenant);
  let body: string | undefined;
  try {
    const config = queryConfig(st, tenant, values);
    const r = await session.query(wantRows ? config : Object.assign(config, UNPARSED_ROWS));
    if (wantRows) body = JSON.stringify(r.rows);
  } catch (err) {
    const state = sqlState(err);
    await session.release(connectionSurvives(state) ? undefined : err).catch(() => {});
    return { error: label(err), startAt, acquiredAt, queryDoneAt: null, endAt: performance.now() };
  }
  const queryDoneAt = performance.now();
  try {
    await session.release();
  } catch (err) {
    return { error: label(err), startAt, acquiredAt, queryDoneAt, endAt: performance.now() };
  }
  const acquisition = session.acquisition;
  return body === undefined
    ? { error: null, startAt, acquiredAt, queryDoneAt, endAt: performance.now(), acquisition }
    : { error: null, startAt, acquiredAt, queryDoneAt, endAt: performance.now(), acquisition, body };
}
