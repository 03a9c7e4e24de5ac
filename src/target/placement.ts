/**
 * Where tenants live when there is more than one server. A placement is a list of servers (the
 * first is the primary: the pooled layouts, the schema layout, the hybrid's pooled tier and every
 * catalog live there) and a tenant -> server map used by the per-tenant-database layouts (`database`
 * and the hybrid's dedicated tier in databases).
 *
 * Sources, checked before anything touches a database (exit 2 naming the field):
 * - `--database-url` given more than once: the first is the primary, the others extra servers;
 * - `--servers N` (embedded target): N embedded servers, each on its own port and data directory;
 * - `--placement FILE` (YAML or JSON): servers by name (with a url, or none for embedded servers
 *   the harness starts), a rule for unlisted tenants, and explicit tenant assignments.
 * Rules: `round-robin` (tenant of size rank i, 0 = largest, -> server (i + 1) mod N: the largest
 * tenant goes to the first extra server, since the primary already holds the pooled layouts, and
 * the large tenants are spread), `extra-servers` (round robin over the servers after the primary,
 * which then keeps only the pooled data). A tenant is on the same server in every layout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { tenantSlugListProblem } from '../config/tenant-slug-rules.js';
import { UsageError } from '../errors.js';
import { tenantSlug } from '../../seed/tenant-plan.js';
import { UrlTarget } from './url-target.js';

export const PLACEMENT_RULES = ['round-robin', 'extra-servers'] as const;
export type PlacementRule = (typeof PLACEMENT_RULES)[number];

/** At most this many servers (embedded servers each take a postmaster and shared memory). */
export const MAX_SERVERS = 16;

const serverName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,30}$/, 'a server name: lower-case letters, digits, "_" or "-", starting with a letter, at most 31 characters');

export const placementFileSchema = z.strictObject({
  servers: z
    .array(
      z.strictObject({
        name: serverName,
        url: z.string().optional().describe('postgres://user:password@host:port/database; omitted = an embedded server the harness starts'),
      }),
    )
    .min(1)
    .max(MAX_SERVERS),
  rule: z.enum(PLACEMENT_RULES).optional().describe('for tenants not listed under `tenants` (default round-robin)'),
  tenants: z.record(z.string().regex(/^t\d{4,}$/, 'a tenant slug (t0001, t0002, ...)'), serverName).optional(),
});
export type PlacementFile = z.infer<typeof placementFileSchema>;

export interface PlacementServerSpec {
  name: string;
  /** null: an embedded server the harness starts. */
  url: string | null;
}

/** A placement resolved from flags or a file, before any server is started. */
export interface PlacementSpec {
  source: 'database-url' | 'servers' | 'placement-file';
  servers: readonly PlacementServerSpec[];
  rule: PlacementRule;
  /** Explicit assignments: tenant slug -> server name. */
  tenants: Readonly<Record<string, string>>;
}

export interface PlacementFlags {
  /** --database-url values, in order (the first is the primary). */
  databaseUrls: readonly string[];
  /** --servers N. */
  servers?: number;
  /** --placement FILE. */
  placementFile?: string;
  /** --pg-data (one persistent cluster; not with several embedded servers). */
  pgData?: string;
  target: string;
}

/**
 * The placement the flags ask for, or null for one server. Everything is checked here, before any
 * server starts: conflicting flags, the file's fields, unknown servers, tenants the scenario does
 * not have.
 */
export function resolvePlacement(f: PlacementFlags, tenantCount: number): PlacementSpec | null {
  if (f.servers !== undefined && f.placementFile)
    throw new UsageError('--servers and --placement: give one (the placement file lists its servers)', 'servers');
  if (f.servers !== undefined && f.databaseUrls.length)
    throw new UsageError('--servers starts embedded servers; with --database-url give the url once per server instead', 'servers');
  if (f.placementFile && f.databaseUrls.length > 1)
    throw new UsageError('--placement and several --database-url: list the servers in the placement file', 'placement');
  let spec: PlacementSpec | null = null;
  if (f.placementFile) {
    spec = loadPlacementFile(f.placementFile, f.databaseUrls[0]);
  } else if (f.servers !== undefined) {
    if (!Number.isInteger(f.servers) || f.servers < 1 || f.servers > MAX_SERVERS)
      throw new UsageError(`--servers ${f.servers}: an integer from 1 to ${MAX_SERVERS}`, 'servers');
    if (f.servers === 1) return null;
    spec = {
      source: 'servers',
      servers: Array.from({ length: f.servers }, (_, i) => ({ name: `s${i + 1}`, url: null })),
      rule: 'round-robin',
      tenants: {},
    };
  } else if (f.databaseUrls.length > 1) {
    spec = {
      source: 'database-url',
      servers: f.databaseUrls.map((url, i) => ({ name: `s${i + 1}`, url })),
      rule: 'round-robin',
      tenants: {},
    };
  }
  if (!spec) return null;
  checkDistinctServers(spec.servers);
  const embedded = spec.servers.some((s) => s.url === null);
  if (embedded && f.target !== 'embedded')
    throw new UsageError(
      `several embedded servers need --target embedded (got --target ${f.target})`,
      spec.source === 'servers' ? 'servers' : 'placement.servers',
    );
  if (embedded && f.pgData)
    throw new UsageError('--pg-data keeps one embedded cluster; it cannot be combined with several embedded servers', 'pg-data');
  if (spec.rule === 'extra-servers' && spec.servers.length < 2)
    throw new UsageError('placement rule "extra-servers" needs at least two servers', 'placement.rule');
  checkAssignments(spec, tenantCount);
  return spec;
}

function checkAssignments(spec: PlacementSpec, tenantCount: number): void {
  const names = spec.servers.map((s) => s.name);
  const problem = tenantSlugListProblem(Object.keys(spec.tenants));
  if (problem) throw new UsageError(`placement field "tenants": ${problem}`, 'placement.tenants');
  for (const [slug, server] of Object.entries(spec.tenants)) {
    const n = Number(slug.slice(1));
    if (n < 1 || n > tenantCount) {
      throw new UsageError(
        `placement field "tenants.${slug}": ${slug} is not a tenant of this scenario (${tenantSlug(0)}..${tenantSlug(tenantCount - 1)})`,
        `placement.tenants.${slug}`,
      );
    }
    if (!names.includes(server)) {
      throw new UsageError(
        `placement field "tenants.${slug}": unknown server "${server}"; allowed: ${names.join(', ')}`,
        `placement.tenants.${slug}`,
      );
    }
  }
}

export function loadPlacementFile(path: string, primaryUrl: string | undefined): PlacementSpec {
  const p = resolve(path);
  if (!existsSync(p)) throw new UsageError(`--placement: file not found: ${p}`, 'placement');
  let raw: unknown;
  try {
    const text = readFileSync(p, 'utf8');
    raw = p.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    // JSON.parse keeps the last of two equal keys (a tenant assigned twice); YAML, a superset, refuses them.
    if (p.endsWith('.json')) parseYaml(text);
  } catch (err) {
    throw new UsageError(`placement ${p}: cannot parse: ${(err as Error).message}`, 'placement');
  }
  const parsed = placementFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    let field = issue.path.map(String).join('.');
    let msg = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys: string[] }).keys;
      field = [field, keys[0]].filter(Boolean).join('.');
      msg = `unknown field; allowed: ${allowedKeys(issue.path).join(', ')}`;
    } else if (issue.code === 'invalid_value' && 'values' in issue) {
      msg = `not allowed; allowed: ${(issue.values as unknown[]).map(String).join(', ')}`;
    }
    field ||= '(top level)';
    throw new UsageError(`placement ${p} is invalid: field "${field}": ${msg}`, `placement.${field}`);
  }
  const file = parsed.data;
  const seen = new Set<string>();
  for (const [i, s] of file.servers.entries()) {
    if (seen.has(s.name))
      throw new UsageError(`placement field "servers.${i}.name": "${s.name}" is listed twice`, `placement.servers.${i}.name`);
    seen.add(s.name);
    if (s.url !== undefined) {
      try {
        UrlTarget.parse(s.url);
      } catch (err) {
        throw new UsageError(
          `placement field "servers.${i}.url": ${(err as Error).message.replace(/^--database-url:?\s*/, '')}`,
          `placement.servers.${i}.url`,
        );
      }
    }
  }
  const withUrl = file.servers.filter((s) => s.url !== undefined).length;
  if (withUrl && withUrl < file.servers.length) {
    const i = file.servers.findIndex((s) => s.url === undefined);
    throw new UsageError(
      `placement field "servers.${i}.url": give a url for every server or for none (none = embedded servers the harness starts)`,
      `placement.servers.${i}.url`,
    );
  }
  if (primaryUrl !== undefined && withUrl) {
    throw new UsageError('--database-url and a placement file with urls: the placement file lists every server', 'placement.servers');
  }
  const servers: PlacementServerSpec[] = file.servers.map((s, i) => ({
    name: s.name,
    // A placement without urls and one --database-url: that url is the primary, the rest is refused above.
    url: s.url ?? (i === 0 && primaryUrl !== undefined ? primaryUrl : null),
  }));
  if (primaryUrl !== undefined && servers.some((s) => s.url === null)) {
    throw new UsageError('--database-url with a placement file: give every server a url in the file', 'placement.servers');
  }
  checkDistinctServers(servers);
  return { source: 'placement-file', servers, rule: file.rule ?? 'round-robin', tenants: file.tenants ?? {} };
}

function allowedKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return ['servers', 'rule', 'tenants'];
  return ['name', 'url'];
}

/** The same server twice would put two "servers" on one: refuse it. */
export function checkDistinctServers(servers: readonly PlacementServerSpec[]): void {
  const seen = new Map<string, number>();
  for (const [i, s] of servers.entries()) {
    if (s.url === null) continue;
    const p = UrlTarget.parse(s.url);
    const key = `${p.host}:${p.port}`;
    const j = seen.get(key);
    if (j !== undefined)
      throw new UsageError(
        `servers ${j + 1} and ${i + 1} are the same server (${key}): each placement server must be a different PostgreSQL server`,
        'database-url',
      );
    seen.set(key, i);
  }
}

/** Server index per tenant (by 0-based tenant index / size rank). */
export function assignServer(spec: Pick<PlacementSpec, 'servers' | 'rule' | 'tenants'>, tenant: { index: number; slug: string }): number {
  const explicit = spec.tenants[tenant.slug];
  if (explicit !== undefined) return spec.servers.findIndex((s) => s.name === explicit);
  const n = spec.servers.length;
  if (spec.rule === 'extra-servers' && n > 1) return 1 + (tenant.index % (n - 1));
  return (tenant.index + 1) % n;
}
