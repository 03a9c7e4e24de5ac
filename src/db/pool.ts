/**
 * A connection pool with the session settings on every connection it opens, for code that wants
 * plain pooled connections (the benches). The layouts' routers keep their own pools: they count
 * and scope connections themselves on the measured path.
 */
import pg from 'pg';
import { SESSION_SETTINGS_SQL } from './client.js';
import type { ConnectionConfig, QueryConfig, QueryResult, Queryable, Row } from './types.js';

/** A connection checked out of a DbPool; give it back with release() (with the error to discard it). */
export interface PooledClient extends Queryable {
  query<R extends Row = Row>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
  query<R extends Row = Row>(config: QueryConfig): Promise<QueryResult<R>>;
  release(err?: Error): void;
}

export interface DbPool {
  connect(): Promise<PooledClient>;
  /** Close every connection; waits for checked-out ones to come back. */
  end(): Promise<void>;
}

export interface PoolOptions {
  /** Most connections open at once. */
  max: number;
  /** Close a connection idle this long, ms (0 = never; the default). */
  idleTimeoutMillis?: number;
}

export function createPool(config: ConnectionConfig, o: PoolOptions): DbPool {
  const pool = new pg.Pool({
    ...config,
    max: o.max,
    idleTimeoutMillis: o.idleTimeoutMillis ?? 0,
    onConnect: async (client) => {
      await client.query(SESSION_SETTINGS_SQL);
    },
  });
  // An idle connection's error (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => {});
  return pool;
}
