import { connect } from '../db/client.js';
import type { DbClient } from '../db/types.js';
import { TargetError, UsageError, errorMessage } from '../errors.js';
import { clientConfig } from './target.js';
import type { ConnParams, Target } from './target.js';

/** An existing server given by --database-url. The harness creates its databases and roles there. */
export class UrlTarget implements Target {
  readonly kind = 'url' as const;
  readonly binaries = null;
  readonly appliedSettings = {};

  private constructor(readonly admin: ConnParams) {}

  get description(): string {
    return `PostgreSQL at ${this.admin.host}:${this.admin.port} as ${this.admin.user}`;
  }

  config(database: string, user?: { name: string; password: string }) {
    return clientConfig(this.admin, database, user);
  }

  static parse(url: string): ConnParams {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new UsageError(
        `--database-url "${maskPassword(url)}": not a URL (expected postgres://user:password@host:port/database)`,
        'database-url',
      );
    }
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
      throw new UsageError(`--database-url: scheme "${u.protocol}" is not postgres: or postgresql:`, 'database-url');
    }
    return {
      host: decodeURIComponent(u.hostname) || 'localhost',
      port: u.port ? Number(u.port) : 5432,
      user: decodeURIComponent(u.username) || process.env.PGUSER || 'postgres',
      password: decodeURIComponent(u.password) || process.env.PGPASSWORD || '',
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    };
  }

  /**
   * Connect and check up front that the role can do what seeding needs: superuser, or both
   * CREATEDB (databases per layout and per tenant) and CREATEROLE (application roles), and
   * BYPASSRLS: the harness owns the tables it creates and the rls layouts force row level security
   * on their owner, so the dataset checksums (which read every tenant) would see no rows.
   */
  static async open(url: string): Promise<UrlTarget> {
    const admin = UrlTarget.parse(url);
    let c: DbClient;
    try {
      c = await connect(clientConfig(admin, admin.database));
    } catch (err) {
      throw new TargetError(`cannot connect to ${admin.host}:${admin.port}/${admin.database} as ${admin.user}: ${errorMessage(err)}`);
    }
    try {
      const r = await c.query<{ rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean; rolbypassrls: boolean }>(
        'SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user',
      );
      const row = r.rows[0];
      if (!row) throw new TargetError(`role ${admin.user} not found in pg_roles`);
      if (!row.rolsuper) {
        const missing = [!row.rolcreatedb && 'CREATEDB', !row.rolcreaterole && 'CREATEROLE', !row.rolbypassrls && 'BYPASSRLS'].filter(
          Boolean,
        );
        if (missing.length) {
          throw new TargetError(
            `role "${admin.user}" lacks ${missing.join(' and ')}: tenantbench creates a database per layout and per tenant, and application roles, ` +
              'and checksums tables that force row level security on their owner. ' +
              `Grant it (ALTER ROLE "${admin.user}" ${missing.join(' ')}) or use a superuser.`,
          );
        }
      }
    } finally {
      await c.end();
    }
    return new UrlTarget(admin);
  }

  async stop(): Promise<void> {
    // Nothing was started.
  }
}

/** A connection URL as it may be echoed: the password (between `user:` and the last `@`) masked, even when the rest does not parse. */
export function maskPassword(url: string): string {
  return url.replace(/^([^:/]*:\/\/[^:@/]*:)(.*)@/, '$1***@');
}
