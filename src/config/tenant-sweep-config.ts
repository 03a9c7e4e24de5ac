/**
 * The tenant-scale sweep of a scenario, resolved once at the edge: the steps (tenant counts in
 * ascending order), the layouts each step runs, and each step's own scenario (the file's, with
 * `tenants.count` set to the step's count and the same total `rows`), validated like any scenario
 * so a bad step exits 2 before anything touches a database.
 */
import { UsageError } from '../errors.js';
import type { ResolvedScenario, ResolvedSweep, SweepLimits, SweepStep } from './resolved-scenario.js';
import type { ScenarioOverrides } from './scenario-overrides.js';
import { layoutNames } from '../layouts/layout-names.js';
import type { LayoutName, SweepFile } from './scenario-schema.js';

export type { ResolvedSweep, SweepLimits, SweepStep };

export function resolveSweep(
  sweep: SweepFile,
  o: {
    /** The scenario object after the command-line overrides, before defaults. */
    merged: Record<string, unknown>;
    source: string;
    name: string;
    rows: number;
    layouts: readonly LayoutName[];
    overrides: ScenarioOverrides;
    resolveStep: (raw: unknown, source: string) => ResolvedScenario;
  },
): ResolvedSweep {
  const fail = (field: string, msg: string): never => {
    throw new UsageError(`scenario ${o.source}: field "${field}": ${msg}`, field);
  };
  if (o.overrides.tenants !== undefined) {
    fail(
      'tenants',
      `--tenants ${o.overrides.tenants} cannot be combined with a sweep scenario: the steps are listed in sweep.tenants (${sweep.tenants.join(', ')}); edit those, or use a scenario without a sweep`,
    );
  }
  const counts = new Map<number, Set<LayoutName>>();
  const add = (field: string, list: readonly number[], layouts: readonly LayoutName[]) => {
    const seen = new Set<number>();
    for (const n of list) {
      if (seen.has(n)) fail(field, `${n} is listed twice`);
      seen.add(n);
      if (n > o.rows) fail(field, `${n} tenants need at least ${n} rows (every tenant needs one); rows is ${o.rows}`);
      const set = counts.get(n) ?? new Set<LayoutName>();
      for (const l of layouts) {
        if (set.has(l)) fail(field, `${n} tenants for ${l} is already a step in sweep.tenants`);
        set.add(l);
      }
      counts.set(n, set);
    }
  };
  add('sweep.tenants', sweep.tenants, o.layouts);
  for (const l of layoutNames()) {
    const extra = sweep.extraTenants?.[l];
    if (!extra) continue;
    if (!o.layouts.includes(l)) {
      // --layouts narrowed the run: the other layouts' extra steps simply do not apply.
      if (o.overrides.layouts) continue;
      fail(`sweep.extraTenants.${l}`, `layout ${l} is not in the scenario's layouts (${o.layouts.join(', ')})`);
    }
    add(`sweep.extraTenants.${l}`, extra, [l]);
  }
  const steps: SweepStep[] = [];
  for (const n of [...counts.keys()].sort((a, b) => a - b)) {
    const layouts = layoutNames().filter((l) => counts.get(n)!.has(l));
    const raw: Record<string, unknown> = { ...o.merged, name: o.name, tenants: { ...(o.merged.tenants as object), count: n }, layouts };
    delete raw.sweep;
    let scenario: ResolvedScenario;
    try {
      scenario = o.resolveStep(raw, o.source);
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`sweep step with ${n} tenants: ${err.message}`, err.field);
      throw err;
    }
    steps.push({ tenants: n, layouts, scenario });
  }
  const l = sweep.limits;
  const limits: SweepLimits | null = l ? { ...l, migrateUpTo: l.migrateUpTo ?? null } : null;
  return { steps, limits };
}
