/**
 * The resolved scenario, derived from the file format: scenarioFileSchema's defaults, the checks of
 * scenario-checks.ts, then what needs computing (the hybrid's tier size, the rate list). Its key
 * order is scenario.json's.
 */
import type { z } from 'zod';
import { resolveRateSweep } from './rate-sweep-schema.js';
import { resolveHeadline } from './headline-schema.js';
import { dedicatedCount, scenarioProblems } from './scenario-checks.js';
import { scenarioFileSchema } from './scenario-schema.js';
import type { LayoutName } from './scenario-schema.js';

export const scenarioSchema = scenarioFileSchema
  .superRefine(
    (file, ctx) => {
      const first = scenarioProblems(file).next();
      if (!first.done) ctx.addIssue({ code: 'custom', path: [...first.value.path], message: first.value.message });
    },
    // The checks read valid fields only (a factor of 1 would never end a rate series): not after any issue.
    { when: (payload) => payload.issues.length === 0 },
  )
  .transform(({ name, description, seed, tenants, rows, layouts, layoutOptions, seeding, ...rest }) => {
    const { dedicated, ...hybrid } = layoutOptions.hybrid;
    return {
      name,
      description,
      seed,
      tenants: tenants.count,
      rows,
      sizes: tenants.sizes,
      layouts,
      layoutOptions: {
        ...layoutOptions,
        hybrid: {
          /** Number of dedicated-tier tenants (largest first) when `dedicatedTenants` is empty. */
          dedicated: hybrid.dedicatedTenants.length || dedicatedCount(dedicated, tenants.count),
          ...hybrid,
        },
      },
      seeding,
      ...rest,
      rateSweep: rest.rateSweep && resolveRateSweep(rest.rateSweep),
      headline: rest.headline && resolveHeadline(rest.headline),
    };
  });

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

type Parsed = DeepReadonly<Omit<z.output<typeof scenarioSchema>, 'name' | 'sweep'>>;

/** A scenario after validation and defaults: what every command works from. Frozen. Field meanings: scenario-schema.ts. */
export interface ResolvedScenario extends Parsed {
  readonly name: string;
  /** Absolute path of the file it came from. */
  readonly source: string;
  /** Tenant-scale sweep (`all` runs its steps instead of one run at `tenants`); null without one. */
  readonly sweep: ResolvedSweep | null;
}

/** The workload after validation and defaults (field meanings: scenario-schema.ts). */
export type ResolvedWorkload = ResolvedScenario['workload'];

export interface SweepStep {
  /** Tenants in this step (`tenants.count` of its scenario). */
  readonly tenants: number;
  /** Layouts measured in this step, canonical order: every layout at `sweep.tenants`, only the named ones at `sweep.extraTenants`. */
  readonly layouts: readonly LayoutName[];
  readonly scenario: ResolvedScenario;
}

export interface ResolvedSweep {
  readonly steps: readonly SweepStep[];
  /** The limit measurements and their budgets (scenario-schema.ts sweep.limits); null = not requested. */
  readonly limits: SweepLimits | null;
}

export interface SweepLimits {
  readonly poolConnections: number;
  readonly memoryShareOfRam: number;
  readonly migrationSeconds: number;
  readonly dumpSeconds: number;
  /** null = every step migrates. */
  readonly migrateUpTo: number | null;
}
