import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { scenarioDefaults } from './scenario-defaults.js';
import { LAYOUT_NAMES, scenarioFileSchema } from './scenario-schema.js';
import type { LayoutName, ScenarioFile, TenantChoice, TenantSizes } from './scenario-schema.js';
import { resolveRateSweep } from './rate-sweep-schema.js';
import type { ResolvedRateSweep } from './rate-sweep-schema.js';
import { QUERY_NAMES } from '../workload/query-registry.js';
import { resolveSweep } from './sweep-config.js';
import type { ResolvedSweep } from './sweep-config.js';
import { tenantSlug } from '../../seed/tenant-plan.js';
import { resolvePooler } from '../pooler/pooler-config.js';
import type { ResolvedPooler } from '../pooler/pooler-config.js';

/** A scenario after validation and defaults: what every command works from. Frozen. */
export interface ResolvedScenario {
  readonly name: string;
  readonly description: string;
  /** Absolute path of the file it came from. */
  readonly source: string;
  readonly seed: number;
  readonly tenants: number;
  readonly rows: number;
  readonly sizes: TenantSizes;
  readonly layouts: readonly LayoutName[];
  readonly layoutOptions: {
    readonly schema: { readonly rolePerTenant: boolean };
    readonly database: { readonly maxConnections: number };
    readonly hybrid: {
      /** Number of dedicated-tier tenants (largest first) when `dedicatedTenants` is empty. */
      readonly dedicated: number;
      readonly dedicatedTenants: readonly string[];
      readonly placement: 'schema' | 'database';
    };
  };
  readonly seeding: { readonly concurrency: number; readonly templateCopy: boolean };
  readonly workload: ResolvedWorkload;
  /** The capacity sweep (rateSweep:), or null when the scenario has none. */
  readonly rateSweep: ResolvedRateSweep | null;
  /** null = connect directly; else the workload goes through this pooler (the `pooler` scenario). */
  readonly pooler: ResolvedPooler | null;
  /** Tenant-scale sweep (`all` runs its steps instead of one run at `tenants`); null without one. */
  readonly sweep: ResolvedSweep | null;
}

/** The workload after validation and defaults (field meanings: scenario-schema.ts). */
export interface ResolvedWorkload {
  /** Query name -> weight; only names of the query registry, weights sum > 0. */
  readonly mix: Readonly<Record<string, number>>;
  readonly mode: 'closed' | 'open';
  readonly users: number;
  readonly thinkMs: number;
  readonly ratePerS: number;
  readonly arrival: 'fixed' | 'poisson';
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly repeats: number;
  readonly tenantChoice: TenantChoice;
  readonly prepared: boolean;
  readonly explicitTenantFilter: boolean;
  readonly lateMs: number;
  readonly maxBacklog: number;
  readonly maxEventLoopLagMs: number;
  readonly intervalSeconds: number;
  readonly maxOutageSeconds: number;
  /** null = no noisy-neighbour segment. */
  readonly noisyNeighbour: { readonly tenant: string | null; readonly users: number; readonly query: string } | null;
  /** null = no HTTP-level measurement. */
  readonly http: { readonly connections: number; readonly durationSeconds: number } | null;
  /** Read-type leak probes mixed into each measured window (`run --leak-probes`). */
  readonly leakProbes: { readonly enabled: boolean; readonly everyMs: number };
}

/** Command-line overrides, applied before validation so they are checked the same way. */
export interface ScenarioOverrides {
  layouts?: string[];
  tenants?: number;
  rows?: number;
  seed?: number;
  /** Workload fields from the command line (`run --repeats 5`...), validated like the file's. */
  workload?: Record<string, unknown>;
  /** rateSweep fields from the command line (`run --rate-sweep`), merged over the file's; false drops the sweep. */
  rateSweep?: Record<string, unknown> | false;
}

export function scenariosDir(): string {
  return join(packageRoot(), 'scenarios');
}

export function listScenarioNames(): string[] {
  return readdirSync(scenariosDir())
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => basename(f, extname(f)))
    .sort();
}

/** A bare name is looked up in scenarios/; anything with a slash or an extension is a path. */
export function resolveScenarioPath(nameOrPath: string): string {
  if (nameOrPath.includes('/') || /\.(ya?ml|json)$/.test(nameOrPath)) {
    const p = resolve(nameOrPath);
    if (!existsSync(p)) throw new UsageError(`scenario file not found: ${p}`, 'scenario');
    return p;
  }
  for (const ext of ['.yaml', '.yml', '.json']) {
    const p = join(scenariosDir(), nameOrPath + ext);
    if (existsSync(p)) return p;
  }
  throw new UsageError(
    `unknown scenario "${nameOrPath}"; allowed: ${listScenarioNames().join(', ')} (or a path to a .yaml/.json file)`,
    'scenario',
  );
}

export function loadScenario(nameOrPath: string, overrides: ScenarioOverrides = {}): ResolvedScenario {
  const path = resolveScenarioPath(nameOrPath);
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(`scenario ${path}: cannot parse: ${(err as Error).message}`, 'scenario');
  }
  return resolveScenario(raw, path, overrides);
}

/** Validate a parsed scenario object (from a file or a test) and apply defaults. */
export function resolveScenario(raw: unknown, source: string, overrides: ScenarioOverrides = {}): ResolvedScenario {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UsageError(`scenario ${source}: expected a mapping of fields at the top level`, 'scenario');
  }
  const merged: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  if (overrides.layouts) merged.layouts = overrides.layouts;
  if (overrides.seed !== undefined) merged.seed = overrides.seed;
  if (overrides.rows !== undefined) merged.rows = overrides.rows;
  if (overrides.tenants !== undefined) {
    merged.tenants = { ...((merged.tenants as object | undefined) ?? {}), count: overrides.tenants };
  }
  if (overrides.workload && Object.keys(overrides.workload).length) {
    const base = (merged.workload as Record<string, unknown> | undefined) ?? {};
    const w: Record<string, unknown> = { ...base, ...overrides.workload };
    // --leak-probes turns the block on and keeps the file's everyMs (--mix, by contrast, replaces the mix).
    const lp = overrides.workload.leakProbes;
    if (isPlainObject(lp) && isPlainObject(base.leakProbes)) w.leakProbes = { ...base.leakProbes, ...lp };
    merged.workload = w;
  }
  if (overrides.rateSweep === false) delete merged.rateSweep;
  else if (overrides.rateSweep) merged.rateSweep = { ...((merged.rateSweep as object | undefined) ?? {}), ...overrides.rateSweep };
  const parsed = scenarioFileSchema.safeParse(merged);
  if (!parsed.success) {
    const overridden = Object.keys(overrides).length ? ' (after the command-line overrides)' : '';
    throw new UsageError(formatIssues(source + overridden, parsed.error.issues, merged), firstField(parsed.error.issues));
  }
  const file: ScenarioFile = parsed.data;

  const fail = (field: string, msg: string): never => {
    throw new UsageError(`scenario ${source}: field "${field}": ${msg}`, field);
  };
  const tenants = file.tenants.count;
  if (file.rows < tenants) fail('rows', `${file.rows} rows is fewer than the ${tenants} tenants (every tenant needs at least one row)`);
  const sizes = file.tenants.sizes ?? scenarioDefaults.sizes;
  if (sizes.kind === 'enterprise' && sizes.count >= tenants) {
    fail('tenants.sizes.count', `${sizes.count} enterprise tenants must be fewer than tenants.count (${tenants})`);
  }
  const layouts = file.layouts ?? scenarioDefaults.layouts;
  const dupes = layouts.filter((l, i) => layouts.indexOf(l) !== i);
  if (dupes.length) fail('layouts', `listed twice: ${dupes.join(', ')}`);

  const h = file.layoutOptions?.hybrid ?? {};
  const dedicatedTenants = h.dedicatedTenants ?? [];
  for (const slug of dedicatedTenants) checkTenantSlug(slug, tenants, 'layoutOptions.hybrid.dedicatedTenants', fail);
  let dedicated = h.dedicated ?? Math.max(1, Math.round(tenants * scenarioDefaults.hybrid.dedicatedFraction));
  if (tenants === 1) dedicated = Math.min(dedicated, 1);
  else if (h.dedicated === undefined) dedicated = Math.min(dedicated, tenants - 1);
  if (dedicated > tenants) fail('layoutOptions.hybrid.dedicated', `${dedicated} is more than the ${tenants} tenants`);

  const workload = resolveWorkload(file.workload ?? {}, tenants, fail);

  const name = file.name ?? basename(source, extname(source));
  const sweep = file.sweep
    ? resolveSweep(file.sweep, {
        merged,
        source,
        name,
        rows: file.rows,
        layouts,
        overrides,
        resolveStep: (raw, src) => resolveScenario(raw, src),
      })
    : null;
  const resolved: ResolvedScenario = {
    name,
    description: file.description ?? '',
    source,
    seed: file.seed ?? scenarioDefaults.seed,
    tenants,
    rows: file.rows,
    sizes,
    layouts: [...layouts],
    layoutOptions: {
      schema: { rolePerTenant: file.layoutOptions?.schema?.rolePerTenant ?? scenarioDefaults.schema.rolePerTenant },
      database: {
        maxConnections: file.layoutOptions?.database?.maxConnections ?? scenarioDefaults.database.maxConnections,
      },
      hybrid: {
        dedicated: dedicatedTenants.length ? dedicatedTenants.length : dedicated,
        dedicatedTenants,
        placement: h.placement ?? scenarioDefaults.hybrid.placement,
      },
    },
    seeding: {
      concurrency: file.seeding?.concurrency ?? scenarioDefaults.seeding.concurrency,
      templateCopy: file.seeding?.templateCopy ?? scenarioDefaults.seeding.templateCopy,
    },
    workload,
    rateSweep: file.rateSweep ? resolveRateSweep(file.rateSweep, scenarioDefaults.rateSweep, fail) : null,
    pooler: resolvePooler(file.pooler, scenarioDefaults.pooler),
    sweep,
  };
  return deepFreeze(resolved);
}

function resolveWorkload(
  w: NonNullable<ScenarioFile['workload']>,
  tenants: number,
  fail: (field: string, msg: string) => never,
): ResolvedWorkload {
  const d = scenarioDefaults.workload;
  const mix = w.mix ?? d.mix;
  for (const q of Object.keys(mix)) {
    if (!(QUERY_NAMES as readonly string[]).includes(q))
      fail(`workload.mix.${q}`, `unknown query "${q}"; allowed: ${QUERY_NAMES.join(', ')}`);
  }
  const sum = Object.values(mix).reduce((a, b) => a + b, 0);
  if (!(sum > 0)) fail('workload.mix', `the weights sum to ${sum}; at least one query needs a weight > 0`);
  const tenantChoice = w.tenantChoice ?? d.tenantChoice;
  if (tenantChoice.kind === 'hot' && tenantChoice.tenant !== undefined)
    checkTenantSlug(tenantChoice.tenant, tenants, 'workload.tenantChoice.tenant', fail);
  let noisyNeighbour: ResolvedWorkload['noisyNeighbour'] = null;
  if (w.noisyNeighbour) {
    const nn = w.noisyNeighbour;
    const query = nn.query ?? d.noisyNeighbour.query;
    if (!(QUERY_NAMES as readonly string[]).includes(query))
      fail('workload.noisyNeighbour.query', `unknown query "${query}"; allowed: ${QUERY_NAMES.join(', ')}`);
    if (nn.tenant !== undefined) checkTenantSlug(nn.tenant, tenants, 'workload.noisyNeighbour.tenant', fail);
    if (tenants < 2) fail('workload.noisyNeighbour', 'needs at least 2 tenants (the noisy one and the measured others)');
    noisyNeighbour = { tenant: nn.tenant ?? null, users: nn.users ?? d.noisyNeighbour.users, query };
  }
  const durationSeconds = w.durationSeconds ?? d.durationSeconds;
  const http = w.http
    ? { connections: w.http.connections ?? d.http.connections, durationSeconds: w.http.durationSeconds ?? durationSeconds }
    : null;
  return {
    noisyNeighbour,
    http,
    leakProbes: { enabled: w.leakProbes?.enabled ?? d.leakProbes.enabled, everyMs: w.leakProbes?.everyMs ?? d.leakProbes.everyMs },
    mix: { ...mix },
    mode: w.mode ?? d.mode,
    users: w.users ?? d.users,
    thinkMs: w.thinkMs ?? d.thinkMs,
    ratePerS: w.ratePerS ?? d.ratePerS,
    arrival: w.arrival ?? d.arrival,
    warmupSeconds: w.warmupSeconds ?? d.warmupSeconds,
    durationSeconds,
    repeats: w.repeats ?? d.repeats,
    tenantChoice: { ...tenantChoice },
    prepared: w.prepared ?? d.prepared,
    explicitTenantFilter: w.explicitTenantFilter ?? d.explicitTenantFilter,
    lateMs: w.lateMs ?? d.lateMs,
    maxBacklog: w.maxBacklog ?? d.maxBacklog,
    maxEventLoopLagMs: w.maxEventLoopLagMs ?? d.maxEventLoopLagMs,
    intervalSeconds: w.intervalSeconds ?? d.intervalSeconds,
    maxOutageSeconds: w.maxOutageSeconds ?? d.maxOutageSeconds,
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A tenant slug (t0001...) must name one of the scenario's tenants. */
function checkTenantSlug(slug: string, tenants: number, field: string, fail: (field: string, msg: string) => never): void {
  const n = Number(slug.slice(1));
  if (n < 1 || n > tenants) fail(field, `${slug} is not a tenant (${tenantSlug(0)}..${tenantSlug(tenants - 1)})`);
}

function firstField(issues: readonly z.core.$ZodIssue[]): string | undefined {
  const i = issues[0];
  return i ? fieldPath(i) : undefined;
}

function fieldPath(issue: z.core.$ZodIssue): string {
  const p = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    return [p, keys[0]].filter(Boolean).join('.');
  }
  return p || '(top level)';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function formatIssues(source: string, issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  const lines = issues.map((issue) => {
    const field = fieldPath(issue);
    let msg = issue.message;
    if (issue.code === 'unrecognized_keys') {
      msg = `unknown field${(issue as { keys: string[] }).keys.length > 1 ? 's' : ''} ${(issue as { keys: string[] }).keys
        .map((k) => `"${k}"`)
        .join(', ')}`;
    } else if (issue.code === 'invalid_value' && 'values' in issue) {
      const got = JSON.stringify(valueAt(raw, issue.path));
      msg = `${got ?? 'missing value'} is not allowed; allowed: ${(issue.values as unknown[]).map(String).join(', ')}`;
    } else if (field.startsWith('layouts')) {
      msg = `${msg}; allowed: ${LAYOUT_NAMES.join(', ')}`;
    }
    return `  field "${field}": ${msg}`;
  });
  return `scenario ${source} is invalid:\n${lines.join('\n')}`;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
