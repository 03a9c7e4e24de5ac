/**
 * The harness's own database types: what code outside src/db/ sees of a connection. node-postgres
 * stays behind them (Kysely keeps its driver behind narrow types the same way), so the targets,
 * probes and operations can be read and tested without knowing the driver. node-postgres' Client,
 * Pool client and QueryResult all satisfy these types structurally.
 */

/** One result row, by column name. */
export type Row = Record<string, unknown>;

/** What a query returns (node-postgres' QueryResult, narrowed to what the harness reads). */
export interface QueryResult<R extends Row = Row> {
  rows: R[];
  /** Rows returned or affected; null for commands that report none. */
  rowCount: number | null;
}

/**
 * A statement with its values; with a `name` it is a named prepared statement (parsed once per
 * connection, then only bound and executed).
 */
export interface QueryConfig {
  text: string;
  name?: string;
  values?: unknown[];
}

/** Anything that runs SQL: a connection, a pooled connection, a tenant session. */
export interface Queryable {
  query<R extends Row = Row>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** A connection the harness opened through src/db (connect(), withClient(), withAdmin()). */
export interface DbClient extends Queryable {
  query<R extends Row = Row>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
  query<R extends Row = Row>(config: QueryConfig): Promise<QueryResult<R>>;
  /** Close the connection (never throws for an already closed one). */
  end(): Promise<void>;
}

/** A login: role name and password. */
export interface Credentials {
  name: string;
  password: string;
}

/** Where and as whom to connect: what a Target hands out, what src/db connects with. */
export interface ConnectionConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Shown in pg_stat_activity.application_name ('tenantbench' for every connection of the harness). */
  application_name?: string;
}
