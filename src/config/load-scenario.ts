import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { scenarioSchema } from './resolved-scenario.js';
import type { ResolvedScenario, ResolvedWorkload } from './resolved-scenario.js';
import type { ScenarioOverrides } from './scenario-overrides.js';
import { layoutNames } from '../layouts/layout-names.js';
import { resolveSweep } from './tenant-sweep-config.js';

export type { ResolvedScenario, ResolvedWorkload, ScenarioOverrides };

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

/**
 * Validate a parsed scenario object (from a file or a test) with the command-line overrides, and apply
 * the defaults (all in resolved-scenario.ts's schema); then resolve the tenant-scale sweep's steps.
 */
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
  const parsed = scenarioSchema.safeParse(merged);
  if (!parsed.success) {
    const { issues } = parsed.error;
    const check = issues.length === 1 && issues[0]!.code === 'custom' ? issues[0] : undefined;
    // A check across fields (scenario-checks.ts) runs once every field is valid, and reports one problem.
    if (check) throw new UsageError(`scenario ${source}: field "${fieldPath(check)}": ${check.message}`, fieldPath(check));
    const overridden = Object.keys(overrides).length ? ' (after the command-line overrides)' : '';
    throw new UsageError(formatIssues(source + overridden, issues, merged), firstField(issues));
  }
  const { name: fileName, description, ...rest } = parsed.data;
  const name = fileName ?? basename(source, extname(source));
  const resolved: ResolvedScenario = {
    name,
    description,
    source,
    ...rest,
    sweep: rest.sweep
      ? resolveSweep(rest.sweep, {
          merged,
          source,
          name,
          rows: rest.rows,
          layouts: rest.layouts,
          overrides,
          resolveStep: (raw, src) => resolveScenario(raw, src),
        })
      : null,
  };
  return deepFreeze(resolved);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
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
    } else if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
      // A discriminated union's unknown kind: name the allowed ones (zod's own message quotes them as a TypeScript union).
      const got = JSON.stringify(valueAt(raw, issue.path));
      msg = `${got ?? 'missing value'} is not allowed; expected one of ${issue.options.map(String).join(', ')}`;
    } else if (field.startsWith('layouts')) {
      msg = `${msg}; allowed: ${layoutNames().join(', ')}`;
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
