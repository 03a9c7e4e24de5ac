import type { ConnectionConfig, Credentials } from '../db/types.js';
import type { PgBinaries } from './pg-binaries.js';

export type TargetKind = 'embedded' | 'url' | 'testcontainers';

export interface ConnParams {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** A PostgreSQL server the harness works against, owned by whoever opened it. */
export interface Target {
  readonly kind: TargetKind;
  /** Human description for logs: "embedded PostgreSQL 15.18 (/usr/lib/postgresql/15/bin) on 127.0.0.1:5433". */
  readonly description: string;
  /** A role with superuser or CREATEDB + CREATEROLE. */
  readonly admin: ConnParams;
  /** Server binaries used (embedded); null for a server we did not start. */
  readonly binaries: PgBinaries | null;
  /** Settings the harness applied at start (embedded), recorded in the environment. */
  readonly appliedSettings: Readonly<Record<string, string>>;
  /** Connection config for `database`, as `user` (default: the admin role). */
  config(database: string, user?: Credentials): ConnectionConfig;
  /** Stop what this target started (no-op for url); idempotent. */
  stop(): Promise<void>;
}

export function clientConfig(p: ConnParams, database: string, user?: Credentials): ConnectionConfig {
  return {
    host: p.host,
    port: p.port,
    user: user?.name ?? p.user,
    password: user?.password ?? p.password,
    database,
    application_name: 'tenantbench',
  };
}
