import type { Queryable } from '../../db/types.js';
import { ident, literal } from '../../db/sql.js';
import { withAdmin } from '../../db/client.js';
import type { LayoutContext } from '../layout.js';
import { serverOf } from '../../target/placed-target.js';
import type { Target } from '../../target/target.js';
import { batchesOf } from './batches.js';

/**
 * Drop (terminating its sessions) and create a database owned by the admin role, on the server the
 * placement binds `db` to (the target itself with one server); a template must live on that server.
 */
export async function recreateDatabase(ctx: LayoutContext, db: string, template?: string): Promise<void> {
  const server = serverOf(ctx.target, db);
  await withAdmin(server, server.admin.database, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`);
    if (template) {
      await createFromTemplate(c, db, template, ctx.serverVersionNum);
    } else {
      await c.query(`CREATE DATABASE ${ident(db)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
    }
    // Nobody but the roles we grant may connect.
    await c.query(`REVOKE ALL ON DATABASE ${ident(db)} FROM PUBLIC`);
  });
}

/**
 * CREATE DATABASE ... TEMPLATE copies the files of another database: the fastest way to get a
 * second identical dataset. It needs the template to be idle, so retry while a straggler (for
 * example an autovacuum worker) is still connected.
 */
async function createFromTemplate(c: Queryable, db: string, template: string, versionNum: number): Promise<void> {
  // FILE_COPY (PG 15+) copies files after one checkpoint: much faster than WAL_LOG for large databases.
  const strategy = versionNum >= 150000 ? ' STRATEGY FILE_COPY' : '';
  for (let attempt = 0; ; attempt++) {
    try {
      await c.query(`CREATE DATABASE ${ident(db)} TEMPLATE ${ident(template)}${strategy}`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt >= 60) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Drop databases, each on the server it is bound to (or on `server` when given). */
export async function dropDatabases(ctx: LayoutContext, dbs: readonly string[], server?: Target): Promise<void> {
  const byServer = new Map<Target, string[]>();
  for (const db of dbs) {
    const s = server ?? serverOf(ctx.target, db);
    byServer.set(s, [...(byServer.get(s) ?? []), db]);
  }
  for (const [s, list] of byServer) {
    await withAdmin(s, s.admin.database, async (c) => {
      for (const db of list) await c.query(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`);
    });
  }
}

export interface RoleSpec {
  name: string;
  login: boolean;
  /** NOINHERIT for login roles that switch into tenant roles with SET ROLE. */
  inherit?: boolean;
  /** CONNECTION LIMIT (a login role of one tenant: it cannot take every connection of the server). */
  connectionLimit?: number;
}

/**
 * (Re)create roles: never superuser, never BYPASSRLS, no CREATEDB/CREATEROLE. Roles belong to a
 * server: `server` (default: the primary) is where they are created.
 */
export async function recreateRoles(ctx: LayoutContext, roles: readonly RoleSpec[], server: Target = ctx.target): Promise<void> {
  if (!roles.length) return;
  await withAdmin(server, server.admin.database, async (c) => {
    for (const r of roles) {
      await c.query(`DROP ROLE IF EXISTS ${ident(r.name)}`);
      const pw = r.login ? ` LOGIN PASSWORD ${literal(ctx.naming.password(r.name))}` : ' NOLOGIN';
      const limit = r.connectionLimit !== undefined ? ` CONNECTION LIMIT ${Math.trunc(r.connectionLimit)}` : '';
      await c.query(
        `CREATE ROLE ${ident(r.name)}${pw} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE ${r.inherit === false ? 'NOINHERIT' : 'INHERIT'}${limit}`,
      );
    }
  });
}

export async function dropRoles(ctx: LayoutContext, roles: readonly string[], server: Target = ctx.target): Promise<void> {
  if (!roles.length) return;
  // Lists of ROLE_BATCH per statement: a schema layout of 10,000 tenants names 10,001 roles (a round trip and commit each before).
  await withAdmin(server, server.admin.database, async (c) => {
    for (const batch of batchesOf(roles, ROLE_BATCH)) await c.query(`DROP ROLE IF EXISTS ${batch.map((r) => ident(r)).join(', ')}`);
  });
}

const ROLE_BATCH = 500;

const GRANT_BATCH = 500;

/**
 * Grant CONNECT on a database and full DML on the tables of the given schemas. No TEMPORARY: a
 * temporary object outlives the transaction on a pooled connection and `pg_temp` is searched
 * first, so it could capture the next tenant's request (issue 14). The tables and sequences are
 * read from the catalog in one query and granted by name, GRANT_BATCH per statement: `ON ALL
 * TABLES IN SCHEMA` scans the whole of pg_class once per schema named (no index on
 * relnamespace alone), which at 10,000 tenant schemas (200,000 pg_class rows) made the grants
 * quadratic: minutes of one backend's CPU.
 */
export async function grantDml(c: Queryable, db: string, role: string, schemas: readonly string[]): Promise<void> {
  await c.query(`GRANT CONNECT ON DATABASE ${ident(db)} TO ${ident(role)}`);
  const r = await c.query<{ q: string; seq: boolean }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS q, c.relkind = 'S' AS seq FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S') ORDER BY 1`,
    [schemas],
  );
  const grant = async (what: string, kind: string, names: readonly string[]) => {
    for (const batch of batchesOf(names, GRANT_BATCH)) await c.query(`GRANT ${what} ON ${kind} ${batch.join(', ')} TO ${ident(role)}`);
  };
  await grant(
    'USAGE',
    'SCHEMA',
    schemas.map((x) => ident(x)),
  );
  await grant(
    'SELECT, INSERT, UPDATE, DELETE',
    'TABLE',
    r.rows.filter((x) => !x.seq).map((x) => x.q),
  );
  await grant(
    'USAGE, SELECT',
    'SEQUENCE',
    r.rows.filter((x) => x.seq).map((x) => x.q),
  );
}
