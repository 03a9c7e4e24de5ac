/**
 * The verifier verifies itself: seed tiny healthy layouts (the baselines), then each broken variant
 * under its own prefix, run every probe, and require each variant to be flagged: a leak, or a
 * finding the healthy layout does not have. A variant that passes is a bug in the verifier.
 */
import createDebug from 'debug';
import { resolveScenario } from '../config/load-scenario.js';
import type { ResolvedScenario } from '../config/load-scenario.js';
import { makeLayoutContext } from '../pipeline/run-session.js';
import type { LayoutContext, LayoutName } from '../layouts/layout.js';
import { layout as layoutOf } from '../layouts/registry.js';
import type { Target } from '../target/target.js';
import { BROKEN_VARIANTS } from './broken-variants.js';
import type { BrokenVariant } from './broken-variants.js';
import { makeProbeEnv } from './probe-env.js';
import type { EnvOverrides } from './probe-env.js';
import type { ProbeOutcome } from './probe.js';
import { countOutcomes, runProbes } from './run-probes.js';
import type { Counts, ProbeResult } from './run-probes.js';

const debug = createDebug('tenantbench:verify');

export interface Flag {
  probe: string;
  outcome: ProbeOutcome;
  detail: string | null;
}

export interface VariantResult extends Counts {
  id: string;
  layout: LayoutName;
  description: string;
  flagged: boolean;
  flaggedBy: Flag[];
  probes: ProbeResult[];
}

export interface BaselineResult extends Counts {
  layout: LayoutName;
  rolePerTenant: boolean;
  probes: ProbeResult[];
}

export interface SelfTestResult {
  allFlagged: boolean;
  baselines: BaselineResult[];
  variants: VariantResult[];
}

/** 3 tenants, 600 rows: every probe has rows to aim at, each seed takes about a second. */
export function selfTestScenario(rolePerTenant: boolean): ResolvedScenario {
  return resolveScenario(
    {
      name: 'self-test',
      seed: 5,
      tenants: { count: 3, sizes: { kind: 'uniform' } },
      rows: 600,
      layouts: ['rls', 'schema', 'database'],
      layoutOptions: { schema: { rolePerTenant }, database: { maxConnections: 4 } },
      seeding: { concurrency: 2, templateCopy: false },
    },
    '<self-test>',
  );
}

/** Optionally break a seeded layout, run the probes, close what the probes used. */
async function probeLayout(ctx: LayoutContext, name: LayoutName, variant?: BrokenVariant): Promise<ProbeResult[]> {
  const overrides: EnvOverrides = variant ? await variant.apply(ctx) : {};
  const env = makeProbeEnv(ctx, name, overrides);
  try {
    return await runProbes(env);
  } finally {
    await env.router.close();
  }
}

/** A probe flags a variant when it leaks, or finds something the healthy layout does not. */
export function flagsOf(results: readonly ProbeResult[], baseline: readonly ProbeResult[]): Flag[] {
  const before = new Map(baseline.map((r) => [r.id, r.outcome]));
  return results
    .filter((r) => r.outcome === 'leaked' || (r.outcome === 'finding' && before.get(r.id) !== 'finding'))
    .map((r) => ({ probe: r.id, outcome: r.outcome, detail: r.observed.detail ?? null }));
}

export interface SelfTestOptions {
  target: Target;
  serverVersionNum: number;
  /** Prefix of the self-test's databases and roles (each variant adds a number). */
  prefix?: string;
  variants?: readonly BrokenVariant[];
  progress?: (line: string) => void;
}

export async function runSelfTest(o: SelfTestOptions): Promise<SelfTestResult> {
  const prefix = o.prefix ?? 'tbv';
  const variants = o.variants ?? BROKEN_VARIANTS;
  const say = o.progress ?? (() => {});
  const baselines: (BaselineResult & { ctx: LayoutContext })[] = [];
  // Healthy layouts stay seeded until the end: variants that only swap the router probe them.
  const baseline = async (layout: LayoutName, rolePerTenant: boolean) => {
    const found = baselines.find((b) => b.layout === layout && b.rolePerTenant === rolePerTenant);
    if (found) return found;
    const ctx = makeLayoutContext({
      target: o.target,
      scenario: selfTestScenario(rolePerTenant),
      prefix: `${prefix}b${baselines.length}`,
      serverVersionNum: o.serverVersionNum,
    });
    say(`self-test: healthy ${layout}${rolePerTenant ? ' (role per tenant)' : ''}`);
    const b = { layout, rolePerTenant, ctx, probes: [] as ProbeResult[], ...countOutcomes([]) };
    baselines.push(b);
    await layoutOf(layout).seed(ctx);
    b.probes = await probeLayout(ctx, layout);
    Object.assign(b, countOutcomes(b.probes));
    return b;
  };
  const out: VariantResult[] = [];
  try {
    for (const [i, v] of variants.entries()) {
      const base = await baseline(v.layout, v.rolePerTenant ?? false);
      say(`self-test: ${v.id}`);
      let probes: ProbeResult[];
      if (v.onBaseline) {
        probes = await probeLayout(base.ctx, v.layout, v);
      } else {
        const ctx = makeLayoutContext({
          target: o.target,
          scenario: selfTestScenario(v.rolePerTenant ?? false),
          prefix: `${prefix}${i}`,
          serverVersionNum: o.serverVersionNum,
        });
        try {
          await layoutOf(v.layout).seed(ctx);
          probes = await probeLayout(ctx, v.layout, v);
        } finally {
          await layoutOf(v.layout).destroy(ctx);
        }
      }
      const flaggedBy = flagsOf(probes, base.probes);
      debug(
        'variant %s flagged by %o',
        v.id,
        flaggedBy.map((f) => f.probe),
      );
      out.push({
        id: v.id,
        layout: v.layout,
        description: v.description,
        flagged: flaggedBy.length > 0,
        flaggedBy,
        probes,
        ...countOutcomes(probes),
      });
    }
  } finally {
    for (const b of baselines) await layoutOf(b.layout).destroy(b.ctx);
  }
  return {
    allFlagged: out.every((v) => v.flagged) && baselines.every((b) => b.leaked === 0),
    baselines: baselines.map(({ ctx: _ctx, ...b }) => b),
    variants: out,
  };
}
